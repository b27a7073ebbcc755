package httpsig

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyCavageRejects(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	_, edKey, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	signedAt := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const keyID = "https://a.example/users/alice#main-key"
	body := []byte(`{"type":"Create"}`)
	resolver := keyTable{
		keyID:             {KeyID: keyID, Key: rsaKey.Public()},
		"ed":              {KeyID: "ed", Key: edKey.Public()},
		"ec":              {KeyID: "ec", Key: &ecKey.PublicKey},
		"rsa-ed-only":     {KeyID: "rsa-ed-only", Key: rsaKey.Public(), Algorithm: Ed25519},
		"nil-key":         {KeyID: "nil-key"},
		"hmac":            {KeyID: "hmac", Key: []byte("secret")},
		"wrong-rsa-alias": {KeyID: "wrong-rsa-alias", Key: edKey.Public()},
	}

	// signed returns a POST signed by keyID's RSA key at signedAt.
	signed := func(t *testing.T, opts CavageOptions) *http.Request {
		req := httptest.NewRequest("POST", "https://b.example/inbox", bytes.NewReader(body))
		opts.Now = clockAt(signedAt)
		require.NoError(t, SignCavage(req, body, SigningKey{KeyID: keyID, Key: rsaKey}, opts))
		return req
	}
	setParam := func(req *http.Request, name, value string) {
		p, err := parseCavageSignature(req.Header.Get("Signature"))
		require.NoError(t, err)
		switch name {
		case "keyId":
			p.keyID = value
		case "algorithm":
			p.algorithm = value
		case "headers":
			p.headers = strings.Fields(value)
		}
		req.Header.Set("Signature", formatCavageSignature(p))
	}

	cases := []struct {
		name   string
		mutate func(t *testing.T, req *http.Request) (*http.Request, []byte)
		now    time.Time
		want   error
	}{
		{"unsigned", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Del("Signature")
			return req, body
		}, signedAt, ErrNoSignature},
		{"unknown algorithm", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "algorithm", "rsa-md5")
			return req, body
		}, signedAt, ErrUnknownAlgorithm},
		{"algorithm not allowed", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "algorithm", "hmac-sha256")
			return req, body
		}, signedAt, ErrUnknownAlgorithm},
		{"too few headers", func(t *testing.T, _ *http.Request) (*http.Request, []byte) {
			return signed(t, CavageOptions{Headers: []string{"date", "digest"}}), body
		}, signedAt, ErrMissingComponent},
		{"POST without digest", func(t *testing.T, _ *http.Request) (*http.Request, []byte) {
			return signed(t, CavageOptions{Headers: []string{"(request-target)", "host", "date"}}), body
		}, signedAt, ErrMissingComponent},
		{"body on a DELETE without digest", func(t *testing.T, _ *http.Request) (*http.Request, []byte) {
			req := httptest.NewRequest("DELETE", "https://b.example/inbox", bytes.NewReader(body))
			require.NoError(t, SignCavage(req, nil, SigningKey{KeyID: keyID, Key: rsaKey}, CavageOptions{Now: clockAt(signedAt)}))
			return req, body
		}, signedAt, ErrMissingComponent},
		{"signed header absent", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Set("Content-Type", "application/activity+json")
			require.NoError(t, SignCavage(req, body, SigningKey{KeyID: keyID, Key: rsaKey}, CavageOptions{
				Headers: []string{"(request-target)", "host", "date", "digest", "content-type"}, Now: clockAt(signedAt),
			}))
			req.Header.Del("Content-Type")
			return req, body
		}, signedAt, ErrMissingHeader},
		{"digest mismatch", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Set("Digest", DigestHeader([]byte("other")))
			return req, body
		}, signedAt, ErrDigestMismatch},
		{"body altered after signing", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			return req, []byte(`{"type":"Delete"}`)
		}, signedAt, ErrDigestMismatch},
		{"digest and body both altered", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			other := []byte(`{"type":"Delete"}`)
			req.Header.Set("Digest", DigestHeader(other))
			return req, other
		}, signedAt, ErrBadSignature},
		{"content-length lies", func(t *testing.T, _ *http.Request) (*http.Request, []byte) {
			req := signed(t, CavageOptions{Headers: []string{"(request-target)", "host", "date", "digest", "content-length"}})
			req.Header.Set("Content-Length", "3")
			return req, body
		}, signedAt, ErrDigestMismatch},
		{"expired Date", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			return req, body
		}, signedAt.Add(65*time.Minute + time.Second), ErrExpired},
		{"future Date", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			return req, body
		}, signedAt.Add(-time.Hour - time.Second), ErrNotYetValid},
		{"replay outside the window", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			return req, body
		}, signedAt.Add(24 * time.Hour), ErrExpired},
		{"unparsable Date", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Set("Date", "yesterday")
			return req, body
		}, signedAt, ErrMalformed},
		{"keyId with no key", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "keyId", "https://a.example/users/nobody#main-key")
			return req, body
		}, signedAt, ErrUnknownKey},
		{"resolver returns no key", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "keyId", "nil-key")
			return req, body
		}, signedAt, ErrUnknownKey},
		{"key of wrong type: ECDSA", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "keyId", "ec")
			return req, body
		}, signedAt, ErrKeyType},
		{"key of wrong type: HMAC secret", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "keyId", "hmac")
			return req, body
		}, signedAt, ErrKeyType},
		{"key of wrong type: rsa-sha256 with Ed25519 key", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "keyId", "wrong-rsa-alias")
			setParam(req, "algorithm", "rsa-sha256")
			return req, body
		}, signedAt, ErrKeyType},
		{"key restricted to another algorithm", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "keyId", "rsa-ed-only")
			return req, body
		}, signedAt, ErrKeyType},
		{"other key", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "keyId", "ed")
			return req, body
		}, signedAt, ErrBadSignature},
		{"path altered", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.URL.Path = "/users/alice/inbox"
			return req, body
		}, signedAt, ErrBadSignature},
		{"host altered", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Host = "c.example"
			return req, body
		}, signedAt, ErrBadSignature},
		{"headers reordered", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "headers", "host (request-target) date digest")
			return req, body
		}, signedAt, ErrBadSignature},
		{"header signed twice", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "headers", "(request-target) host date digest date")
			return req, body
		}, signedAt, ErrMalformed},
		{"unknown pseudo-header", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "headers", "(request-target) host date digest (nonce)")
			return req, body
		}, signedAt, ErrMalformed},
		{"(created) without hs2019", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "algorithm", "rsa-sha256")
			setParam(req, "headers", "(request-target) host date digest (created)")
			return req, body
		}, signedAt, ErrMalformed},
		{"(created) signed, parameter absent", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			setParam(req, "headers", "(request-target) host date digest (created)")
			return req, body
		}, signedAt, ErrMalformed},
		{"two Signature headers", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Add("Signature", req.Header.Get("Signature"))
			return req, body
		}, signedAt, ErrTooManySignatures},
		{"truncated header", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			s := req.Header.Get("Signature")
			req.Header.Set("Signature", s[:len(s)-10])
			return req, body
		}, signedAt, ErrMalformed},
		{"duplicated parameter", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Set("Signature", req.Header.Get("Signature")+`,keyId="other"`)
			return req, body
		}, signedAt, ErrMalformed},
		{"bad base64", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			s := req.Header.Get("Signature")
			i := strings.Index(s, `signature="`) + len(`signature="`)
			req.Header.Set("Signature", s[:i]+"%%%"+s[i+3:])
			return req, body
		}, signedAt, ErrMalformed},
		{"huge value", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Set("Signature", req.Header.Get("Signature")+`,x="`+strings.Repeat("a", 1<<20)+`"`)
			return req, body
		}, signedAt, ErrMalformed},
		{"digest of another algorithm only", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			req.Header.Set("Digest", "MD5=AAAA")
			return req, body
		}, signedAt, ErrUnknownAlgorithm},
		{"two SHA-256 digests", func(t *testing.T, req *http.Request) (*http.Request, []byte) {
			d := DigestHeader(body)
			req.Header.Set("Digest", d+","+d)
			return req, body
		}, signedAt, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, b := c.mutate(t, signed(t, CavageOptions{}))
			got, err := VerifyCavage(context.Background(), req, b, resolver, CavagePolicy{Now: clockAt(c.now)})
			require.Error(t, err)
			assert.Nil(t, got)
			require.ErrorIs(t, err, c.want)
			var ve *VerifyError
			require.ErrorAs(t, err, &ve)
			assert.NotEmpty(t, ve.Error())
		})
	}

	t.Run("untouched request verifies", func(t *testing.T) {
		got, err := VerifyCavage(context.Background(), signed(t, CavageOptions{}), body, resolver, CavagePolicy{Now: clockAt(signedAt)})
		require.NoError(t, err)
		assert.Equal(t, signedAt, got.Created)
		assert.Equal(t, []string{"(request-target)", "host", "date", "digest"}, got.Components)
	})
}

// TestVerifyCavageUnsignedDate checks that a Date the signature does not
// cover cannot date it, even under a policy that requires nothing: a
// captured request would otherwise verify forever with a fresh Date.
func TestVerifyCavageUnsignedDate(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	resolver := keyTable{"k": {KeyID: "k", Key: rsaKey.Public()}}
	signedAt := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	req := httptest.NewRequest("GET", "https://b.example/users/bob", nil)
	require.NoError(t, SignCavage(req, nil, SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{
		Headers: []string{"(request-target)", "host"}, Now: clockAt(signedAt),
	}))
	replayAt := signedAt.Add(30 * 24 * time.Hour)
	req.Header.Set("Date", replayAt.Format(http.TimeFormat))
	lax := CavagePolicy{RequiredHeaders: []string{}, Now: clockAt(replayAt)}
	_, err := VerifyCavage(context.Background(), req, nil, resolver, lax)
	require.ErrorIs(t, err, ErrMissingComponent)
	req.Header.Del("Date")
	_, err = VerifyCavage(context.Background(), req, nil, resolver, lax)
	require.ErrorIs(t, err, ErrMissingComponent)
}

func TestVerifyCavageWindow(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	resolver := keyTable{"k": {KeyID: "k", Key: rsaKey.Public()}}
	signedAt := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	sign := func(headers []string) *http.Request {
		req := httptest.NewRequest("GET", "https://b.example/users/bob", nil)
		require.NoError(t, SignCavage(req, nil, SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{Headers: headers, Now: clockAt(signedAt), Expires: 2 * time.Hour}))
		return req
	}
	cases := []struct {
		name    string
		headers []string
		policy  CavagePolicy
		offset  time.Duration
		want    error
	}{
		{"Date - 1h", nil, CavagePolicy{}, -time.Hour, nil},
		{"Date + 1h05m", nil, CavagePolicy{}, 65 * time.Minute, nil},
		{"narrower skew", nil, CavagePolicy{ClockSkew: time.Minute}, 10 * time.Minute, ErrExpired},
		{"longer validity", nil, CavagePolicy{Validity: 3 * time.Hour}, 4 * time.Hour, nil},
		{"(expires) extends", []string{"(request-target)", "host", "(created)", "(expires)"}, CavagePolicy{}, 3 * time.Hour, nil},
		{"(expires) passed", []string{"(request-target)", "host", "(created)", "(expires)"}, CavagePolicy{}, 3*time.Hour + time.Second, ErrExpired},
		{"(expires) capped", []string{"(request-target)", "host", "(created)", "(expires)"}, CavagePolicy{MaxValidity: time.Minute}, 62 * time.Minute, ErrExpired},
		{"(created) in future", []string{"(request-target)", "host", "(created)"}, CavagePolicy{}, -61 * time.Minute, ErrNotYetValid},
		{"no required headers", []string{"host"}, CavagePolicy{RequiredHeaders: []string{}}, 0, ErrMissingComponent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := sign(c.headers)
			if c.name == "no required headers" {
				req.Header.Del("Date")
			}
			c.policy.Now = clockAt(signedAt.Add(c.offset))
			_, err := VerifyCavage(context.Background(), req, nil, resolver, c.policy)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
		})
	}
}

func TestVerifyCavageQueryQuirk(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	resolver := keyTable{"k": {KeyID: "k", Key: rsaKey.Public()}}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// Signed without the query, sent with it.
	req := httptest.NewRequest("GET", "https://b.example/outbox", nil)
	require.NoError(t, SignCavage(req, nil, SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{Now: clockAt(now)}))
	req.URL.RawQuery = "page=true"
	_, err := VerifyCavage(context.Background(), req, nil, resolver, CavagePolicy{Now: clockAt(now)})
	require.NoError(t, err)
	_, err = VerifyCavage(context.Background(), req, nil, resolver, CavagePolicy{Now: clockAt(now), StrictRequestTarget: true})
	require.ErrorIs(t, err, ErrBadSignature)

	// Signed with one query, replayed with another or none: the quirk
	// only ever drops the query from what is checked, never swaps it.
	for _, headers := range [][]string{nil, {"(request-target)", "host", "date", "(created)"}} {
		signed := httptest.NewRequest("GET", "https://b.example/outbox?page=1", nil)
		require.NoError(t, SignCavage(signed, nil, SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{Headers: headers, Now: clockAt(now)}))
		for _, replayed := range []string{"page=2", "page=1&page=2", ""} {
			r := signed.Clone(context.Background())
			r.URL.RawQuery = replayed
			_, err := VerifyCavage(context.Background(), r, nil, resolver, CavagePolicy{Now: clockAt(now)})
			require.ErrorIs(t, err, ErrBadSignature, "%v replayed with %q", headers, replayed)
		}
	}
}

// The query retry works on the path that verifies without go-fed too.
func TestVerifyCavageQueryQuirkDirect(t *testing.T) {
	_, edKey := genEd25519(t)
	resolver := keyTable{`k,1`: {KeyID: `k,1`, Key: edKey.Public()}}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	req := httptest.NewRequest("GET", "https://b.example/outbox", nil)
	require.NoError(t, SignCavage(req, nil, SigningKey{KeyID: `k,1`, Key: edKey},
		CavageOptions{Headers: []string{"(request-target)", "host", "(created)"}, Now: clockAt(now)}))
	req.URL.RawQuery = "page=true"
	got, err := VerifyCavage(context.Background(), req, nil, resolver, CavagePolicy{Now: clockAt(now)})
	require.NoError(t, err)
	assert.Equal(t, now.UTC(), got.Created)
	_, err = VerifyCavage(context.Background(), req, nil, resolver, CavagePolicy{Now: clockAt(now), StrictRequestTarget: true})
	require.ErrorIs(t, err, ErrBadSignature)
}

// FuzzVerifyCavage feeds arbitrary Signature, Date and Digest headers and
// bodies to the whole verification: it must fail with a VerifyError, never
// panic, and never accept (the fuzzer cannot forge an RSA signature).
func FuzzVerifyCavage(f *testing.F) {
	rsaKey := readPrivateKey(f, "mastodon/bob.priv.pem")
	resolver := keyTable{"k": {KeyID: "k", Key: rsaKey.Public()}}
	date := verifierNow.Format(http.TimeFormat)
	for _, c := range cavageParseCases {
		f.Add(c.header, date, "", []byte(nil))
	}
	f.Add(`keyId="k",algorithm="hs2019",headers="(request-target) host date digest",signature="AAAA"`, date, DigestHeader([]byte("x")), []byte("x"))
	f.Add(`keyId="k",headers="(request-target) (created) (expires) host",created=1,expires=2,signature="AAAA"`, "", "SHA-256=AAAA, sha-256=BBBB", []byte("y"))
	f.Add(`keyId="k",headers="content-length host date (request-target)",signature="AAAA"`, "Mon, 02 Jan 2006 15:04:05 GMT", "", []byte("z"))
	f.Fuzz(func(t *testing.T, sig, date, digest string, body []byte) {
		req := httptest.NewRequest("POST", "https://b.example/inbox?x=1", bytes.NewReader(body))
		req.Header.Set("Signature", sig)
		req.Header.Set("Date", date)
		req.Header.Set("Digest", digest)
		got, err := VerifyCavage(context.Background(), req, body, resolver, CavagePolicy{Now: clockAt(verifierNow)})
		require.Error(t, err)
		require.Nil(t, got)
		var ve *VerifyError
		require.ErrorAs(t, err, &ve)
		require.NotEmpty(t, PublicReason(err))
	})
}
