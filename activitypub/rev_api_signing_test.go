package activitypub

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store/memory"
)

// TestRevAPICavageOnlySigning pins what Config.CavageOnly says of the
// requests the Federation signs: draft-cavage first to every host, and RFC
// 9421 only when a peer refuses it.
func TestRevAPICavageOnlySigning(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	refuse := true
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		family := "none"
		switch {
		case r.Header.Get("Signature-Input") != "":
			family = "rfc9421"
		case r.Header.Get("Signature") != "":
			family = "cavage"
		}
		mu.Lock()
		seen = append(seen, family)
		no := refuse && family == "cavage"
		mu.Unlock()
		if no {
			http.Error(w, "signature refused", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", ContentType)
		fmt.Fprintf(w, `{"@context":"https://www.w3.org/ns/activitystreams","id":"http://%s%s","type":"Note"}`, r.Host, r.URL.Path)
	}))
	t.Cleanup(peer.Close)
	sent := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := seen
		seen = nil
		return out
	}

	st := memory.New()
	t.Cleanup(func() { st.Close() })
	f, err := New(Config{Origin: "http://127.0.0.1:1", Store: st, InsecureAllowPrivateAddresses: true, CavageOnly: true})
	require.NoError(t, err)
	ctx := context.Background()

	o, err := f.Fetch(ctx, peer.URL+"/notes/1")
	require.NoError(t, err, "a peer refusing draft-cavage is asked again with RFC 9421")
	assert.Equal(t, peer.URL+"/notes/1", o.ID)
	assert.Equal(t, []string{"cavage", "rfc9421"}, sent())

	mu.Lock()
	refuse = false
	mu.Unlock()
	peer2 := httptest.NewServer(peer.Config.Handler)
	t.Cleanup(peer2.Close)
	_, err = f.Fetch(ctx, peer2.URL+"/notes/2")
	require.NoError(t, err)
	assert.Equal(t, []string{"cavage"}, sent(), "a new host gets draft-cavage first")
}
