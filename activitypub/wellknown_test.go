package activitypub

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/nodeinfo"
	"github.com/starling-fed/starling/webfinger"
)

func TestServeWebFinger(t *testing.T) {
	n := newNode(t, nodeOptions{TLS: true, Users: []Actor{
		{Username: "alice"}, {Username: "bob", URL: "https://pages.example/@bob"}, {Username: "gone"},
	}})
	carolPage := n.Origin + "/@carol"
	require.NoError(t, n.F.CreateActor(context.Background(), Actor{Username: "carol", URL: carolPage}))
	ctx := context.Background()
	require.NoError(t, n.Store.DeleteObject(ctx, n.F.storedActorIRI("gone"), time.Now()))
	host := n.TS.Listener.Addr().String()
	alice := n.F.ActorIRI("alice")
	client := n.TS.Client()

	lookup := func(t *testing.T, resource string) (int, *webfinger.JRD, http.Header) {
		t.Helper()
		resp, err := client.Get(n.Origin + "/.well-known/webfinger?resource=" + url.QueryEscape(resource))
		require.NoError(t, err)
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, nil, resp.Header
		}
		var j webfinger.JRD
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&j))
		return resp.StatusCode, &j, resp.Header
	}

	for _, tc := range []struct {
		name, resource, subject, actor, profile string
		status                                  int
	}{
		{"acct", "acct:alice@" + host, "acct:alice@" + host, alice, alice, 200},
		{"acct without port", "acct:alice@127.0.0.1", "acct:alice@" + host, alice, alice, 200},
		{"actor IRI", alice, "acct:alice@" + host, alice, alice, 200},
		{"profile URL of the host", "acct:bob@" + host, "acct:bob@" + host, n.F.ActorIRI("bob"), "https://pages.example/@bob", 200},
		{"instance actor acct", "acct:127.0.0.1@" + host, "acct:127.0.0.1@" + host, n.F.InstanceActorIRI(), n.Origin + "/", 200},
		{"instance actor IRI", n.F.InstanceActorIRI(), "acct:127.0.0.1@" + host, n.F.InstanceActorIRI(), n.Origin + "/", 200},
		{"profile page URL", carolPage, "acct:carol@" + host, n.F.ActorIRI("carol"), carolPage, 200},
		{"profile-like URL of another user", n.Origin + "/@alice", "", "", "", 404},
		{"profile page on another host", "https://pages.example/@bob", "", "", "", 404},
		{"unknown user", "acct:nobody@" + host, "", "", "", 404},
		{"other host", "acct:alice@elsewhere.example", "", "", "", 404},
		{"other host's URL", "https://elsewhere.example/users/alice", "", "", "", 404},
		{"deleted user", "acct:gone@" + host, "", "", "", 410},
		{"mailto", "mailto:alice@" + host, "", "", "", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, j, h := lookup(t, tc.resource)
			require.Equal(t, tc.status, status)
			assert.Equal(t, "*", h.Get("Access-Control-Allow-Origin"))
			if status != 200 {
				return
			}
			assert.Equal(t, tc.subject, j.Subject)
			assert.Equal(t, tc.actor, j.ActorIRI())
			assert.Equal(t, tc.profile, j.ProfilePage())
			self := j.Link("self")
			require.NotNil(t, self)
			assert.Equal(t, ContentType, self.Type)
		})
	}

	t.Run("resolved by a WebFinger client, round trip", func(t *testing.T) {
		wf := &webfinger.Client{HTTPClient: client}
		res, err := wf.Resolve(ctx, n.acct("alice"))
		require.NoError(t, err)
		assert.Equal(t, alice, res.Actor)
		// The actor's preferredUsername@host finds the same actor again, as
		// Mastodon checks.
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, alice, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", apAccept)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var actor struct{ PreferredUsername string }
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&actor))
		res, err = wf.Resolve(ctx, "acct:"+actor.PreferredUsername+"@"+host)
		require.NoError(t, err)
		assert.Equal(t, alice, res.Actor)
	})
	t.Run("host-meta", func(t *testing.T) {
		resp, err := client.Get(n.Origin + "/.well-known/host-meta")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var buf [4096]byte
		k, _ := resp.Body.Read(buf[:])
		tmpl, err := webfinger.ParseHostMeta(buf[:k])
		require.NoError(t, err)
		assert.Equal(t, n.Origin+"/.well-known/webfinger?resource={uri}", tmpl)
	})
}

func TestServeNodeInfo(t *testing.T) {
	t.Run("default document", func(t *testing.T) {
		n := newNode(t, nodeOptions{})
		c := nodeinfo.Client{InsecureAllowHTTP: true, InsecureAllowPrivateAddresses: true}
		doc, err := c.Fetch(context.Background(), n.TS.Listener.Addr().String())
		require.NoError(t, err)
		assert.Equal(t, "starling", doc.Software.Name)
		assert.NotEmpty(t, doc.Software.Version)
		assert.Equal(t, []string{nodeinfo.ProtocolActivityPub}, doc.Protocols)
		assert.Zero(t, doc.Usage.Users.Total)
		assert.False(t, doc.OpenRegistrations)

		for _, v := range []string{nodeinfo.Version20, nodeinfo.Version21} {
			a := get(t, n.Origin+nodeinfo.DefaultPath+v, "", noKey)
			require.Equal(t, http.StatusOK, a.Status)
			assert.Equal(t, nodeinfo.ContentType(v), a.Header.Get("Content-Type"))
			assert.Equal(t, v, a.JSON(t)["version"])
		}
	})
	t.Run("host's figures", func(t *testing.T) {
		n := newNode(t, nodeOptions{Configure: func(c *Config) {
			c.NodeInfo = func(ctx context.Context) (*nodeinfo.Document, error) {
				return &nodeinfo.Document{Software: nodeinfo.Software{Name: "myblog", Version: "2.0"},
					Protocols: []string{nodeinfo.ProtocolActivityPub}, OpenRegistrations: true,
					Usage: nodeinfo.Usage{Users: nodeinfo.Users{Total: 7}}}, nil
			}
		}})
		m := get(t, n.Origin+nodeinfo.DefaultPath+nodeinfo.Version21, "", noKey).JSON(t)
		assert.Equal(t, "myblog", m["software"].(map[string]any)["name"])
		assert.Equal(t, true, m["openRegistrations"])
	})
}
