package gofedpub_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/starling-fed/starling/activitypub/internal/gofedpub"
	"github.com/starling-fed/starling/httpsig"
)

// A go-fed server on loopback takes a Create(Note) that Starling's httpsig
// signed and stores the Note.
func Example() {
	const actor = "https://remote.example/users/alice"
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}

	ts := httptest.NewUnstartedServer(nil)
	srv, err := gofedpub.NewServer(gofedpub.Config{Host: ts.Listener.Addr().String()})
	if err != nil {
		panic(err)
	}
	if err := srv.AddKnownActor(actor, actor+"#main-key", &key.PublicKey); err != nil {
		panic(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	defer ts.Close()

	body := gofedpub.CreateNoteJSON(actor, actor+"/statuses/1")
	req, err := http.NewRequest(http.MethodPost, ts.URL+srv.InboxPath(), bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	err = httpsig.SignCavage(req, body, httpsig.SigningKey{KeyID: actor + "#main-key", Key: key}, httpsig.CavageOptions{})
	if err != nil {
		panic(err)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	fmt.Println(resp.StatusCode, srv.Stored(), srv.Has(actor+"/statuses/1"))
	// Output: 200 1 true
}
