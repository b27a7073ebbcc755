package webfinger_test

import (
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/webfinger"
)

// TestServerAndClient runs a server built from this package on a real TLS
// listener and resolves its users with this package's client, which opts
// in to loopback.
func TestServerAndClient(t *testing.T) {
	var host string // "127.0.0.1:port", known once the server starts
	users := map[string]bool{"alice": true, "bob": true}
	lookup := func(_ context.Context, r webfinger.Resource) (*webfinger.JRD, error) {
		var user string
		switch {
		case r.IsAccount() && r.Host == host:
			user = r.User
		case strings.HasPrefix(r.URI, "https://"+host+"/users/"):
			user = strings.TrimPrefix(r.URI, "https://"+host+"/users/")
		case strings.HasPrefix(r.URI, "https://"+host+"/@"):
			user = strings.TrimPrefix(r.URI, "https://"+host+"/@")
		}
		if user == "carol" {
			return nil, webfinger.ErrGone
		}
		if !users[user] {
			return nil, webfinger.ErrNotFound
		}
		base := "https://" + host
		return webfinger.NewActorJRD(user+"@"+host, base+"/users/"+user, base+"/@"+user,
			base+"/authorize_interaction?uri={uri}"), nil
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+webfinger.WellKnownPath, &webfinger.Handler{Lookup: lookup})
	hm := &webfinger.HostMetaHandler{}
	mux.Handle("GET "+webfinger.HostMetaPath, hm)
	mux.Handle("GET "+webfinger.HostMetaPath+".json", hm)
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	host = u.Host

	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	c := &webfinger.Client{
		InsecureAllowPrivateAddresses: true,
		TLSConfig:                     srv.Client().Transport.(*http.Transport).TLSClientConfig,
	}
	c.TLSConfig.RootCAs = roots

	for _, addr := range []string{"@alice@" + host, "alice@" + host, "acct:alice@" + host,
		"https://" + host + "/@alice", "https://" + host + "/users/alice"} {
		t.Run(addr, func(t *testing.T) {
			res, err := c.Resolve(t.Context(), addr)
			require.NoError(t, err)
			assert.Equal(t, "https://"+host+"/users/alice", res.Actor)
			assert.Equal(t, "acct:alice@"+host, res.Subject)
			assert.Equal(t, "https://"+host+"/@alice", res.JRD.ProfilePage())
			assert.Equal(t, "https://"+host+"/authorize_interaction?uri={uri}", res.JRD.SubscribeTemplate())
		})
	}

	res, err := c.VerifyActor(t.Context(), "https://"+host+"/users/bob", "bob")
	require.NoError(t, err)
	assert.Equal(t, "bob@"+host, res.Account())

	_, err = c.VerifyActor(t.Context(), "https://"+host+"/users/bob", "alice")
	require.ErrorIs(t, err, webfinger.ErrMismatch)

	_, err = c.Resolve(t.Context(), "@dave@"+host)
	require.ErrorIs(t, err, webfinger.ErrNotFound)
	_, err = c.Resolve(t.Context(), "@carol@"+host)
	require.ErrorIs(t, err, webfinger.ErrGone)

	// The same server, seen by a client that does not opt in.
	strict := &webfinger.Client{TLSConfig: c.TLSConfig}
	_, err = strict.Resolve(t.Context(), "@alice@"+host)
	require.ErrorIs(t, err, webfinger.ErrPrivateAddress)

	// A raw lookup filtered by rel.
	j, err := c.Lookup(t.Context(), "acct:alice@"+host, webfinger.RelSelf)
	require.NoError(t, err)
	require.Len(t, j.Links, 1)
	assert.Equal(t, "https://"+host+"/users/alice", j.ActorIRI())

	// host-meta served by the same mux points at the WebFinger endpoint.
	hmResp, err := srv.Client().Get(srv.URL + webfinger.HostMetaPath)
	require.NoError(t, err)
	defer func() { _ = hmResp.Body.Close() }()
	body, err := io.ReadAll(hmResp.Body)
	require.NoError(t, err)
	tmpl, err := webfinger.ParseHostMeta(body)
	require.NoError(t, err)
	assert.Equal(t, "https://"+host+"/.well-known/webfinger?resource={uri}", tmpl)
}
