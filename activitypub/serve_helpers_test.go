package activitypub

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
)

// apAccept is the Accept header peers send when fetching.
const apAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// browserAccept is what a browser sends for a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

// answer is a response read whole.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as a JSON object.
func (a answer) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.Body, &m), "body: %s", a.Body)
	return m
}

// get sends a GET with the given Accept header, signed with key unless its
// Key is nil.
func get(t *testing.T, url, accept string, key httpsig.SigningKey) answer {
	t.Helper()
	return do(t, http.MethodGet, url, accept, key)
}

// do sends a request without body, signed with key (draft-cavage) unless
// its Key is nil, and reads the answer.
func do(t *testing.T, method, url, accept string, key httpsig.SigningKey) answer {
	t.Helper()
	return sendSigned(t, method, url, accept, key, false)
}

// getRFC9421 sends a GET signed with key under RFC 9421.
func getRFC9421(t *testing.T, url, accept string, key httpsig.SigningKey) answer {
	t.Helper()
	return sendSigned(t, http.MethodGet, url, accept, key, true)
}

// sendSigned sends a request without body, signed with key unless its Key is
// nil: under RFC 9421 if rfc9421, else draft-cavage.
func sendSigned(t *testing.T, method, url, accept string, key httpsig.SigningKey, rfc9421 bool) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
	require.NoError(t, err)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	switch {
	case key.Key != nil && rfc9421:
		require.NoError(t, httpsig.SignRFC9421(req, nil, key, httpsig.RFC9421Options{}))
	case key.Key != nil:
		require.NoError(t, httpsig.SignCavage(req, nil, key, httpsig.CavageOptions{}))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// signingKey returns the RSA key of a local actor of n.
func signingKey(t *testing.T, n *node, name string) httpsig.SigningKey {
	t.Helper()
	k, err := n.F.SigningKey(context.Background(), name)
	require.NoError(t, err)
	return k
}

// putLocal stores a local object or activity of n.
func putLocal(t *testing.T, n *node, o *vocab.Object) {
	t.Helper()
	doc, err := vocab.Marshal(o)
	require.NoError(t, err)
	require.NoError(t, n.Store.PutObject(context.Background(), store.Object{
		IRI: o.ID, Type: o.Type, Document: doc, Local: true, Updated: time.Now(),
	}))
}

// note builds a Note by author addressed to the given IRIs (as:Public for
// public).
func note(id, author string, to ...string) *vocab.Object {
	n := &vocab.Object{ID: id, Type: vocab.TypeNote, AttributedTo: []vocab.Ref{vocab.IRIRef(author)}, Content: "<p>hi</p>",
		Published: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, iri := range to {
		n.To = append(n.To, vocab.IRIRef(iri))
	}
	return n
}

// create wraps o in a Create by its author, addressed like o.
func create(id string, o *vocab.Object) *vocab.Object {
	return &vocab.Object{ID: id, Type: vocab.TypeCreate, Actor: o.AttributedTo, To: o.To, Cc: o.Cc,
		Object: []vocab.Ref{vocab.ObjectRef(o)}, Published: o.Published}
}

// ids returns the "id" (or the string) of each item of a JSON array.
func ids(t *testing.T, v any) []string {
	t.Helper()
	arr, ok := v.([]any)
	if v == nil {
		return nil
	}
	require.True(t, ok, "not an array: %v", v)
	var out []string
	for _, it := range arr {
		switch it := it.(type) {
		case string:
			out = append(out, it)
		case map[string]any:
			out = append(out, it["id"].(string))
		}
	}
	return out
}

// publicIRI is the public collection.
const publicIRI = vocab.PublicIRI

// hasVary reports whether h's Vary lists name.
func hasVary(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), name) {
				return true
			}
		}
	}
	return false
}

// keyOfInstance returns the instance actor's signing key.
func (f *Federation) keyOfInstance(t *testing.T) httpsig.SigningKey {
	t.Helper()
	k, err := f.instanceKey(context.Background())
	require.NoError(t, err)
	return k
}
