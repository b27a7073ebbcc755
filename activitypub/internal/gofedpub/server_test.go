package gofedpub_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/gofedpub"
	"github.com/starling-fed/starling/httpsig"
)

func TestInboxStoresSignedCreate(t *testing.T) {
	in := startInstance(t, gofedpub.Config{})
	noteID := aliceIRI + "/statuses/1"
	body := gofedpub.CreateNoteJSON(aliceIRI, noteID)

	status, msg := in.do(t, in.signedPost(t, body, aliceKeyID, aliceKey(), httpsig.CavageOptions{}))
	require.Equal(t, http.StatusOK, status, msg)
	assert.Equal(t, 1, in.srv.Stored())
	assert.Equal(t, 1, in.srv.Received())
	assert.True(t, in.srv.Has(noteID), "the Note is stored")
	assert.True(t, in.srv.Has(noteID+"/activity"), "the Create is stored")

	// go-fed recognizes a repeated activity by its id and does nothing more.
	status, msg = in.do(t, in.signedPost(t, body, aliceKeyID, aliceKey(), httpsig.CavageOptions{}))
	require.Equal(t, http.StatusOK, status, msg)
	assert.Equal(t, 1, in.srv.Stored())
	assert.Equal(t, 1, in.srv.Received())

	// The inbox lists the activity.
	req, err := http.NewRequest(http.MethodGet, in.inbox, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/activity+json")
	status, msg = in.do(t, req)
	require.Equal(t, http.StatusOK, status, msg)
	assert.Contains(t, msg, noteID+"/activity")
}

func TestInboxRefuses(t *testing.T) {
	body := gofedpub.CreateNoteJSON(aliceIRI, aliceIRI+"/statuses/2")
	sign := func(in *instance, body []byte) *http.Request {
		return in.signedPost(t, body, aliceKeyID, aliceKey(), httpsig.CavageOptions{})
	}
	tests := []struct {
		name   string
		req    func(in *instance) *http.Request
		status int
		reason string // in the response body
	}{
		{"unsigned", func(in *instance) *http.Request {
			return in.newPost(t, body)
		}, http.StatusUnauthorized, gofedpub.ErrNoSignature.Error()},
		{"signed by another key", func(in *instance) *http.Request {
			return in.signedPost(t, body, aliceKeyID, strangerKey(), httpsig.CavageOptions{})
		}, http.StatusUnauthorized, gofedpub.ErrBadSignature.Error()},
		{"corrupted signature", func(in *instance) *http.Request {
			req := sign(in, body)
			sig := req.Header.Get("Signature")
			i := strings.Index(sig, `signature="`) + len(`signature="`)
			flipped := byte('A')
			if sig[i] == 'A' {
				flipped = 'B'
			}
			req.Header.Set("Signature", sig[:i]+string(flipped)+sig[i+1:])
			return req
		}, http.StatusUnauthorized, gofedpub.ErrBadSignature.Error()},
		{"unknown key id", func(in *instance) *http.Request {
			return in.signedPost(t, body, "https://remote.example/users/eve#main-key", strangerKey(), httpsig.CavageOptions{})
		}, http.StatusUnauthorized, gofedpub.ErrUnknownKey.Error()},
		{"body changed after signing", func(in *instance) *http.Request {
			other := bytes.Replace(body, []byte("Hello"), []byte("Howdy"), 1)
			forged := in.newPost(t, other)
			forged.Header = sign(in, body).Header.Clone()
			return forged
		}, http.StatusUnauthorized, gofedpub.ErrBadDigest.Error()},
		{"digest recomputed after signing", func(in *instance) *http.Request {
			other := bytes.Replace(body, []byte("Hello"), []byte("Howdy"), 1)
			req := sign(in, body)
			forged := in.newPost(t, other)
			forged.Header = req.Header.Clone()
			forged.Header.Set("Digest", httpsig.DigestHeader(other))
			return forged
		}, http.StatusUnauthorized, gofedpub.ErrBadSignature.Error()},
		{"no digest", func(in *instance) *http.Request {
			req := in.signedPost(t, body, aliceKeyID, aliceKey(), httpsig.CavageOptions{
				Headers: []string{"(request-target)", "host", "date"},
			})
			require.Empty(t, req.Header.Get("Digest"))
			return req
		}, http.StatusUnauthorized, gofedpub.ErrBadDigest.Error()},
		{"stale date", func(in *instance) *http.Request {
			return in.signedPost(t, body, aliceKeyID, aliceKey(), httpsig.CavageOptions{
				Now: func() time.Time { return time.Now().Add(-2 * time.Hour) },
			})
		}, http.StatusUnauthorized, gofedpub.ErrBadDate.Error()},
		{"date in the future", func(in *instance) *http.Request {
			return in.signedPost(t, body, aliceKeyID, aliceKey(), httpsig.CavageOptions{
				Now: func() time.Time { return time.Now().Add(2 * time.Hour) },
			})
		}, http.StatusUnauthorized, gofedpub.ErrBadDate.Error()},
		{"actor is not the signer", func(in *instance) *http.Request {
			return in.signedPost(t, body, malloryKeyID, malloryKey(), httpsig.CavageOptions{})
		}, http.StatusForbidden, gofedpub.ErrActorMismatch.Error()},
		{"blocked actor", func(in *instance) *http.Request {
			require.NoError(t, in.srv.Block(aliceIRI))
			return sign(in, body)
		}, http.StatusForbidden, ""},
		{"not ActivityStreams", func(in *instance) *http.Request {
			req := sign(in, body)
			req.Header.Set("Content-Type", "application/json")
			return req
		}, http.StatusUnsupportedMediaType, "Content-Type"},
		{"malformed JSON", func(in *instance) *http.Request {
			return sign(in, []byte(`{"type": "Create",`))
		}, http.StatusBadRequest, "unexpected end of JSON input"},
		{"body too large", func(in *instance) *http.Request {
			big := bytes.Replace(body, []byte("Hello"), bytes.Repeat([]byte("a"), 4096), 1)
			return sign(in, big)
		}, http.StatusRequestEntityTooLarge, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := startInstance(t, gofedpub.Config{MaxBodyBytes: 2048})
			status, msg := in.do(t, tt.req(in))
			assert.Equal(t, tt.status, status, msg)
			assert.Contains(t, msg, tt.reason)
			assert.Zero(t, in.srv.Stored(), "nothing stored")
			assert.Zero(t, in.srv.Received(), "nothing in the inbox")
		})
	}
}

func TestInboxConcurrentPosts(t *testing.T) {
	in := startInstance(t, gofedpub.Config{})
	const n = 32
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		req := in.signedPost(t, gofedpub.CreateNoteJSON(aliceIRI, fmt.Sprintf("%s/statuses/%d", aliceIRI, i)),
			aliceKeyID, aliceKey(), httpsig.CavageOptions{})
		wg.Go(func() {
			resp, err := in.ts.Client().Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, s := range statuses {
		assert.Equal(t, http.StatusOK, s, "post %d", i)
	}
	assert.Equal(t, n, in.srv.Stored())
	assert.Equal(t, n, in.srv.Received())
}

func TestServeHTTPRoutes(t *testing.T) {
	in := startInstance(t, gofedpub.Config{})
	tests := []struct {
		method, path, accept string
		status               int
	}{
		{http.MethodGet, "/nowhere", "", http.StatusNotFound},
		{http.MethodPut, in.srv.InboxPath(), "", http.StatusMethodNotAllowed},
		{http.MethodGet, in.srv.InboxPath(), "text/html", http.StatusNotAcceptable},
		{http.MethodGet, in.srv.InboxPath(), "application/activity+json", http.StatusOK},
		{http.MethodGet, in.srv.ActorPath() + "/outbox", "application/activity+json", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.accept, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, in.ts.URL+tt.path, nil)
			require.NoError(t, err)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			status, msg := in.do(t, req)
			assert.Equal(t, tt.status, status, msg)
		})
	}
}

func TestNewServer(t *testing.T) {
	srv, err := gofedpub.NewServer(gofedpub.Config{})
	require.NoError(t, err)
	assert.Equal(t, "/actor", srv.ActorPath())
	assert.Equal(t, "/actor/inbox", srv.InboxPath())

	srv, err = gofedpub.NewServer(gofedpub.Config{ActorPath: "/users/bob"})
	require.NoError(t, err)
	assert.Equal(t, "/users/bob/inbox", srv.InboxPath())

	bad := []gofedpub.Config{
		{Host: "https://example.com"},
		{Host: "example.com/x"},
		{ActorPath: "users/bob"},
		{ActorPath: "/users/bob/"},
		{MaxBodyBytes: -1},
		{ClockSkew: -time.Second},
		{InboxPageSize: -1},
	}
	for _, cfg := range bad {
		t.Run(fmt.Sprintf("%+v", cfg), func(t *testing.T) {
			_, err := gofedpub.NewServer(cfg)
			assert.ErrorIs(t, err, gofedpub.ErrInvalidConfig)
		})
	}
}

func TestAddKnownActorAndBlockValidate(t *testing.T) {
	srv, err := gofedpub.NewServer(gofedpub.Config{})
	require.NoError(t, err)
	tests := []struct {
		name  string
		actor string
		keyID string
		key   bool
	}{
		{"relative actor", "/users/alice", aliceKeyID, true},
		{"no key id", aliceIRI, "", true},
		{"nil key", aliceIRI, aliceKeyID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.key {
				err = srv.AddKnownActor(tt.actor, tt.keyID, &aliceKey().PublicKey)
			} else {
				err = srv.AddKnownActor(tt.actor, tt.keyID, nil)
			}
			assert.ErrorIs(t, err, gofedpub.ErrInvalidKnownActor)
		})
	}
	assert.ErrorIs(t, srv.Block("alice"), gofedpub.ErrInvalidKnownActor)
}

func TestCreateNoteJSON(t *testing.T) {
	a := gofedpub.CreateNoteJSON(aliceIRI, aliceIRI+"/statuses/9")
	assert.Equal(t, a, gofedpub.CreateNoteJSON(aliceIRI, aliceIRI+"/statuses/9"), "deterministic")
	assert.JSONEq(t, `{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id": "https://remote.example/users/alice/statuses/9/activity",
		"type": "Create",
		"actor": "https://remote.example/users/alice",
		"published": "2026-01-01T00:00:00Z",
		"to": ["https://www.w3.org/ns/activitystreams#Public"],
		"cc": ["https://remote.example/users/alice/followers"],
		"object": {
			"id": "https://remote.example/users/alice/statuses/9",
			"type": "Note",
			"attributedTo": "https://remote.example/users/alice",
			"published": "2026-01-01T00:00:00Z",
			"url": "https://remote.example/users/alice/statuses/9",
			"to": ["https://www.w3.org/ns/activitystreams#Public"],
			"cc": ["https://remote.example/users/alice/followers"],
			"content": "<p>Hello, fediverse! This note is a benchmark payload.</p>"
		}
	}`, string(a))
}
