package webfinger

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// users is a host application's user table: accounts on example.com,
// actors on social.example.com.
func usersLookup(_ context.Context, r Resource) (*JRD, error) {
	accounts := map[string]bool{"alice": true, "bob": true, "gone": true, "broken": true}
	var user string
	switch {
	case r.IsAccount() && (r.Host == "example.com" || r.Host == "social.example.com"):
		user = r.User
	case strings.HasPrefix(r.URI, "https://social.example.com/users/"):
		user = strings.TrimPrefix(r.URI, "https://social.example.com/users/")
	case strings.HasPrefix(r.URI, "https://social.example.com/@"):
		user = strings.TrimPrefix(r.URI, "https://social.example.com/@")
	case r.URI == "acct:invalid@example.org":
		return nil, ErrInvalidAddress
	default:
		return nil, ErrNotFound
	}
	switch {
	case !accounts[user]:
		return nil, ErrNotFound
	case user == "gone":
		return nil, ErrGone
	case user == "broken":
		return nil, errors.New("database unavailable")
	}
	return NewActorJRD(user+"@example.com", "https://social.example.com/users/"+user,
		"https://social.example.com/@"+user, "https://social.example.com/authorize_interaction?uri={uri}"), nil
}

func TestHandlerStatus(t *testing.T) {
	h := &Handler{Lookup: usersLookup}
	tests := []struct {
		name   string
		method string
		query  string
		status int
	}{
		{"account", "GET", "resource=acct:alice@example.com", 200},
		{"account on web host", "GET", "resource=acct%3Aalice%40social.example.com", 200},
		{"bare account", "GET", "resource=alice@example.com", 200},
		{"actor URL", "GET", "resource=https://social.example.com/users/alice", 200},
		{"profile URL", "GET", "resource=https%3A%2F%2Fsocial.example.com%2F%40alice", 200},
		{"HEAD", "HEAD", "resource=acct:alice@example.com", 200},
		{"missing resource", "GET", "", 400},
		{"only rel", "GET", "rel=self", 400},
		{"empty resource", "GET", "resource=", 400},
		{"resource twice", "GET", "resource=acct:alice@example.com&resource=acct:bob@example.com", 400},
		{"resource twice, same", "GET", "resource=acct:alice@example.com&resource=acct:alice@example.com", 400},
		{"malformed acct", "GET", "resource=acct:@example.com", 400},
		{"acct without host", "GET", "resource=acct:alice", 400},
		{"two @", "GET", "resource=acct:alice@bob@example.com", 400},
		{"bad escape", "GET", "resource=acct:alice%zz@example.com", 400},
		{"semicolon", "GET", "resource=acct:alice@example.com;x", 400},
		{"control char", "GET", "resource=acct:alice%0d%0a@example.com", 400},
		{"overlong", "GET", "resource=acct:" + strings.Repeat("a", 5000) + "@example.com", 400},
		{"lookup says invalid", "GET", "resource=acct:invalid@example.org", 400},
		{"unknown user", "GET", "resource=acct:carol@example.com", 404},
		{"other domain", "GET", "resource=acct:alice@elsewhere.example", 404},
		{"unicode host", "GET", "resource=acct:alice@b%C3%BCcher.example", 404},
		{"other scheme", "GET", "resource=mailto:alice@example.com", 404},
		{"gone", "GET", "resource=acct:gone@example.com", 410},
		{"lookup fails", "GET", "resource=acct:broken@example.com", 500},
		{"POST", "POST", "resource=acct:alice@example.com", 405},
		{"PUT", "PUT", "resource=acct:alice@example.com", 405},
		{"OPTIONS", "OPTIONS", "resource=acct:alice@example.com", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "https://social.example.com/.well-known/webfinger?"+tt.query, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			switch tt.status {
			case 200:
				assert.Equal(t, MediaTypeJRD, rec.Header().Get("Content-Type"))
				if tt.method == "HEAD" {
					assert.Empty(t, rec.Body.String())
					return
				}
				j, err := DecodeJRD(rec.Body.Bytes())
				require.NoError(t, err)
				assert.Equal(t, "acct:alice@example.com", j.Subject)
				assert.Equal(t, "https://social.example.com/users/alice", j.ActorIRI())
			case 405:
				assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestHandlerNilLookup(t *testing.T) {
	rec := httptest.NewRecorder()
	(&Handler{}).ServeHTTP(rec, httptest.NewRequest("GET", "/.well-known/webfinger?resource=acct:a@example.com", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

func TestHandlerFillsSubjectAndCaches(t *testing.T) {
	h := &Handler{
		Lookup: func(context.Context, Resource) (*JRD, error) {
			return &JRD{Links: []Link{{Rel: RelSelf, Type: MediaTypeActivity, Href: "https://example.com/a"}}}, nil
		},
		CacheControl: "max-age=60",
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/.well-known/webfinger?resource=@a@EXAMPLE.com", nil))
	require.Equal(t, 200, rec.Code)
	assert.Equal(t, "max-age=60", rec.Header().Get("Cache-Control"))
	assert.JSONEq(t, `{"subject":"acct:a@example.com","links":[{"rel":"self","type":"application/activity+json","href":"https://example.com/a"}]}`, rec.Body.String())
}

func TestHandlerRelFilter(t *testing.T) {
	h := &Handler{Lookup: usersLookup}
	tests := []struct {
		rels []string
		want []string
	}{
		{nil, []string{RelProfilePage, RelSelf, RelSubscribe}},
		{[]string{RelSelf}, []string{RelSelf}},
		{[]string{RelSelf, RelProfilePage}, []string{RelProfilePage, RelSelf}},
		{[]string{"http://openid.net/specs/connect/1.0/issuer"}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.rels, ","), func(t *testing.T) {
			q := url.Values{"resource": {"acct:alice@example.com"}, "rel": tt.rels}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/.well-known/webfinger?"+q.Encode(), nil))
			require.Equal(t, 200, rec.Code)
			j, err := DecodeJRD(rec.Body.Bytes())
			require.NoError(t, err)
			var rels []string
			for _, l := range j.Links {
				rels = append(rels, l.Rel)
			}
			assert.Equal(t, tt.want, rels)
			assert.Equal(t, "acct:alice@example.com", j.Subject, "subject stays")
			assert.Len(t, j.Aliases, 2, "aliases stay")
		})
	}
}

// TestHandlerRFC7033Examples serves the RFC's example JRDs and replays the
// RFC's example requests against the handler.
func TestHandlerRFC7033Examples(t *testing.T) {
	for _, section := range []string{"3.1", "3.2", "4.3"} {
		t.Run(section, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "section-"+section+".jrd.json"))
			require.NoError(t, err)
			stored, err := DecodeJRD(want)
			require.NoError(t, err)
			h := &Handler{Lookup: func(_ context.Context, r Resource) (*JRD, error) {
				if r.URI != stored.Subject {
					return nil, ErrNotFound
				}
				return stored, nil
			}}
			rawReq, err := os.ReadFile(filepath.Join("testdata", "section-"+section+".request.http"))
			require.NoError(t, err)
			line, rest, _ := strings.Cut(string(rawReq), "\n")
			fields := strings.Fields(line)
			require.Len(t, fields, 3)
			host := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "Host:"))
			req := httptest.NewRequest(fields[0], "https://"+host+fields[1], nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, 200, rec.Code, rec.Body.String())
			assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			assert.Equal(t, MediaTypeJRD, rec.Header().Get("Content-Type"))
			assert.JSONEq(t, string(want), rec.Body.String())
		})
	}
}

func TestHandlerDoesNotModifyLookupJRD(t *testing.T) {
	shared := NewActorJRD("a@example.com", "https://example.com/users/a", "https://example.com/@a", "")
	h := &Handler{Lookup: func(context.Context, Resource) (*JRD, error) { return shared, nil }}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/?resource=acct:a@example.com&rel=self", nil))
	require.Equal(t, 200, rec.Code)
	assert.Len(t, shared.Links, 2)
}

func TestHandlerOverHTTP(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET "+WellKnownPath, &Handler{Lookup: usersLookup})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + WellKnownPath + "?resource=acct:bob@example.com")
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var j JRD
	require.NoError(t, json.Unmarshal(body, &j))
	assert.Equal(t, "acct:bob@example.com", j.Subject)
}

func BenchmarkHandler(b *testing.B) {
	h := &Handler{Lookup: usersLookup}
	req := httptest.NewRequest("GET", "/.well-known/webfinger?resource=acct%3Aalice%40example.com", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
}
