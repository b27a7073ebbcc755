package webfinger

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostMetaHandler(t *testing.T) {
	tests := []struct {
		name, path, template, host string
		wantType, wantTemplate     string
	}{
		{"xrd from Host", HostMetaPath, "", "example.com", "application/xrd+xml; charset=utf-8",
			"https://example.com/.well-known/webfinger?resource={uri}"},
		{"json from Host", HostMetaPath + ".json", "", "example.com:8443", MediaTypeJRD,
			"https://example.com:8443/.well-known/webfinger?resource={uri}"},
		{"xrd configured", HostMetaPath, "https://social.example.com/.well-known/webfinger?resource={uri}&x=<&>", "example.com",
			"application/xrd+xml; charset=utf-8", "https://social.example.com/.well-known/webfinger?resource={uri}&x=<&>"},
		{"json configured", HostMetaPath + ".json", "https://social.example.com/.well-known/webfinger?resource={uri}", "example.com",
			MediaTypeJRD, "https://social.example.com/.well-known/webfinger?resource={uri}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &HostMetaHandler{Template: tt.template}
			req := httptest.NewRequest("GET", tt.path, nil)
			req.Host = tt.host
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, 200, rec.Code)
			assert.Equal(t, tt.wantType, rec.Header().Get("Content-Type"))
			assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			got, err := ParseHostMeta(rec.Body.Bytes())
			require.NoError(t, err, rec.Body.String())
			assert.Equal(t, tt.wantTemplate, got)
		})
	}
}

func TestHostMetaHandlerRefuses(t *testing.T) {
	h := &HostMetaHandler{}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", HostMetaPath, nil))
	assert.Equal(t, 405, rec.Code)

	req := httptest.NewRequest("GET", HostMetaPath, nil)
	req.Host = `evil.example"/><x`
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, 400, rec.Code)

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("HEAD", HostMetaPath, nil))
	assert.Equal(t, 200, rec.Code)
	assert.Empty(t, rec.Body.String())
}

func TestParseHostMetaMastodonFixture(t *testing.T) {
	resp, body := readFixture(t, "fixture-localdomain-hostmeta.txt")
	assert.Equal(t, MediaTypeXRD, resp.Header.Get("Content-Type"))
	got, err := ParseHostMeta(body)
	require.NoError(t, err)
	assert.Equal(t, "https://webdomain.com/.well-known/webfinger?resource={uri}", got)
}

func TestParseHostMetaHostile(t *testing.T) {
	tests := []struct{ name, body string }{
		{"empty", ""},
		{"not xml", "hello"},
		{"no lrdd", `<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"><Link rel="other" template="https://x/{uri}"/></XRD>`},
		{"lrdd without {uri}", `<XRD><Link rel="lrdd" template="https://x/"/></XRD>`},
		{"wrong root", `<html><Link rel="lrdd" template="https://x/{uri}"/></html>`},
		{"unclosed", `<XRD><Link rel="lrdd" template="https://x/{uri}">`},
		{"entity expansion", `<?xml version="1.0"?><!DOCTYPE XRD [<!ENTITY a "aaaa">]><XRD><Link rel="lrdd" template="&a;{uri}"/></XRD>`},
		{"json without lrdd", `{"links":[{"rel":"self","href":"x"}]}`},
		{"json array", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHostMeta([]byte(tt.body))
			require.ErrorIs(t, err, ErrBadResponse)
		})
	}
}

func FuzzParseHostMeta(f *testing.F) {
	_, body := readFixture(f, "fixture-localdomain-hostmeta.txt")
	f.Add(body)
	f.Add([]byte(`{"links":[{"rel":"lrdd","template":"https://example.com/.well-known/webfinger?resource={uri}"}]}`))
	f.Add([]byte(`<XRD><Link rel="lrdd" template="https://x/{uri}"/></XRD>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE XRD [<!ENTITY a "aaaa">]><XRD/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := ParseHostMeta(data)
		if err != nil {
			require.ErrorIs(t, err, ErrBadResponse)
			return
		}
		require.Contains(t, tmpl, "{uri}")
	})
}
