package nodeinfo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/webfinger"
)

func figures(d Document, err error) func(context.Context) (*Document, error) {
	return func(context.Context) (*Document, error) {
		if err != nil {
			return nil, err
		}
		return &d, nil
	}
}

func TestHandler(t *testing.T) {
	good := validDoc("")
	bad := validDoc("")
	bad.Software.Name = "Not Valid"
	tests := []struct {
		name        string
		h           *Handler
		method      string
		path        string
		status      int
		contentType string
	}{
		{"discovery", &Handler{Document: figures(good, nil)}, "GET", WellKnownPath, 200, "application/json"},
		{"2.1", &Handler{Document: figures(good, nil)}, "GET", "/nodeinfo/2.1", 200, ContentType(Version21)},
		{"2.0", &Handler{Document: figures(good, nil)}, "GET", "/nodeinfo/2.0", 200, ContentType(Version20)},
		{"HEAD", &Handler{Document: figures(good, nil)}, "HEAD", "/nodeinfo/2.1", 200, ContentType(Version21)},
		{"custom path", &Handler{Document: figures(good, nil), Path: "/api/nodeinfo"}, "GET", "/api/nodeinfo/2.1", 200, ContentType(Version21)},
		{"path without slashes", &Handler{Document: figures(good, nil), Path: "api/ni"}, "GET", "/api/ni/2.0", 200, ContentType(Version20)},
		{"default path moved", &Handler{Document: figures(good, nil), Path: "/api/nodeinfo/"}, "GET", "/nodeinfo/2.1", 404, ""},
		{"1.0", &Handler{Document: figures(good, nil)}, "GET", "/nodeinfo/1.0", 404, ""},
		{"2.2", &Handler{Document: figures(good, nil)}, "GET", "/nodeinfo/2.2", 404, ""},
		{"other", &Handler{Document: figures(good, nil)}, "GET", "/nodeinfo/", 404, ""},
		{"no callback", &Handler{}, "GET", "/nodeinfo/2.1", 404, ""},
		{"callback fails", &Handler{Document: figures(good, errors.New("db down"))}, "GET", "/nodeinfo/2.1", 500, ""},
		{"invalid document", &Handler{Document: figures(bad, nil)}, "GET", "/nodeinfo/2.1", 500, ""},
		{"POST", &Handler{Document: figures(good, nil)}, "POST", "/nodeinfo/2.1", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, httptest.NewRequest(tt.method, "https://social.example.com"+tt.path, nil))
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			if tt.status != 200 {
				return
			}
			assert.Equal(t, tt.contentType, rec.Header().Get("Content-Type"))
			if tt.method == "HEAD" {
				assert.Empty(t, rec.Body.Bytes())
				return
			}
			if tt.path == WellKnownPath {
				return
			}
			version := tt.path[len(tt.path)-3:]
			assert.Empty(t, checkJSON(t, version, rec.Body.Bytes()), rec.Body.String())
		})
	}
}

func TestHandlerDiscovery(t *testing.T) {
	tests := []struct {
		name    string
		h       *Handler
		host    string
		want21  string
		want20  string
		wantErr bool
	}{
		{"from Host", &Handler{}, "social.example.com", "https://social.example.com/nodeinfo/2.1", "https://social.example.com/nodeinfo/2.0", false},
		{"configured", &Handler{BaseURL: "https://example.com/", Path: "/x/ni"}, "ignored.example", "https://example.com/x/ni/2.1", "https://example.com/x/ni/2.0", false},
		{"hostile Host", &Handler{}, `evil"/><x`, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", WellKnownPath, nil)
			req.Host = tt.host
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, req)
			if tt.wantErr {
				assert.Equal(t, http.StatusBadRequest, rec.Code)
				return
			}
			require.Equal(t, 200, rec.Code)
			j, err := webfinger.DecodeJRD(rec.Body.Bytes())
			require.NoError(t, err)
			require.Len(t, j.Links, 2)
			assert.Equal(t, tt.want21, j.Link(Rel(Version21)).Href)
			assert.Equal(t, tt.want20, j.Link(Rel(Version20)).Href)
		})
	}
}

func TestHandlerDoesNotModifyDocument(t *testing.T) {
	shared := validDoc("")
	h := &Handler{Document: func(context.Context) (*Document, error) { return &shared, nil }}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/nodeinfo/2.1", nil))
	require.Equal(t, 200, rec.Code)
	assert.Empty(t, shared.Version)
}
