package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs the whole demo, two servers over real HTTPS on loopback, and
// checks that every step is in the transcript and passed.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), &out)
	t.Log("\n" + out.String())
	require.NoError(t, err)

	transcript := out.String()
	for _, want := range []string{
		"? → A  GET  /.well-known/webfinger?resource=acct:alice@127.0.0.1:",
		"B → A  GET  /users/alice",
		"B → A  POST /users/alice/inbox  Follow\n          202 Accepted · signed (",
		"A → B  POST /users/bob/inbox  Accept(Follow)\n          202 Accepted",
		"A → B  POST /inbox  Create(Note)\n          202 Accepted",
		"B → A  POST /inbox  Create(Note)\n          202 Accepted",
		"A → B  POST /inbox  Like\n          202 Accepted",
		"with key B/users/bob#main-key",
		"with key A/users/alice#main-key",
		"with key B/actor#main-key, server B's instance actor",
		"✓ A received bob's Follow (signature verified: B/users/bob)",
		"✓ B received alice's Accept of it (signature verified: A/users/alice)",
		"✓ B received alice's note (signature verified: A/users/alice)",
		"✓ A received bob's reply to alice's note (signature verified: B/users/bob)",
		"✓ B received alice's Like of bob's reply (signature verified: A/users/alice)",
		"✓ delivery of the Follow from B: 1 of 1 inboxes accepted it, 0 failed",
		"✓ delivery of the Create from A: 1 of 1 inboxes accepted it, 0 failed",
		"✓ delivery of the Create from B: 1 of 1 inboxes accepted it, 0 failed",
		"✓ delivery of the Like from A: 1 of 1 inboxes accepted it, 0 failed",
		"Verdict: PASS",
	} {
		assert.Contains(t, transcript, want)
	}
	assert.NotContains(t, transcript, "FAIL")
}

// TestRunCancelled checks that a cancelled run fails with a verdict rather
// than hanging or passing.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	require.Error(t, run(ctx, &out))
	assert.NotContains(t, out.String(), "Verdict: PASS")
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		body, want string
	}{
		{`{"type":"Follow","id":"https://b.example/1","actor":"https://b.example/u","object":"https://a.example/u"}`, "Follow"},
		{`{"type":"Create","id":"https://b.example/1","object":{"type":"Note","id":"https://b.example/n"}}`, "Create(Note)"},
		{`{"type":"Accept","object":{"type":"Follow","id":"https://b.example/f"}}`, "Accept(Follow)"},
		{`not json`, ""},
		{`{}`, ""},
	} {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, describe([]byte(tc.body)))
		})
	}
}

func TestSignatureOf(t *testing.T) {
	for _, tc := range []struct {
		name, header, value, keyID, family string
	}{
		{"rfc9421", "Signature-Input", `sig1=("@method" "@target-uri");created=1;keyid="https://a.example/users/alice#main-key"`, "https://a.example/users/alice#main-key", "RFC 9421"},
		{"cavage", "Signature", `keyId="https://a.example/actor#main-key",algorithm="rsa-sha256",headers="(request-target) host date",signature="x"`, "https://a.example/actor#main-key", "draft-cavage"},
		{"unsigned", "X-Other", "1", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "https://a.example/inbox", nil)
			r.Header.Set(tc.header, tc.value)
			keyID, family := signatureOf(r)
			assert.Equal(t, tc.keyID, keyID)
			assert.Equal(t, tc.family, family)
		})
	}
}
