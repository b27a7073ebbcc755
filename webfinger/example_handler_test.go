package webfinger_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/starling-fed/starling/webfinger"
)

// user is a row of a host application's existing user table.
type user struct {
	Name    string
	Deleted bool
}

// Mount WebFinger on a ServeMux so the host's existing users can be found
// from Mastodon as @name@example.com.
func ExampleHandler() {
	users := map[string]user{"alice": {Name: "alice"}, "olduser": {Name: "olduser", Deleted: true}}

	wf := &webfinger.Handler{Lookup: func(ctx context.Context, r webfinger.Resource) (*webfinger.JRD, error) {
		if !r.IsAccount() || r.Host != "example.com" {
			return nil, webfinger.ErrNotFound
		}
		u, ok := users[r.User]
		switch {
		case !ok:
			return nil, webfinger.ErrNotFound
		case u.Deleted:
			return nil, webfinger.ErrGone
		}
		return webfinger.NewActorJRD(u.Name+"@example.com",
			"https://example.com/users/"+u.Name,
			"https://example.com/@"+u.Name,
			"https://example.com/authorize_interaction?uri={uri}"), nil
	}}
	mux := http.NewServeMux()
	mux.Handle("GET "+webfinger.WellKnownPath, wf)

	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, acct := range []string{"acct:alice@example.com", "acct:bob@example.com", "acct:olduser@example.com"} {
		resp, err := srv.Client().Get(srv.URL + webfinger.WellKnownPath + "?resource=" + url.QueryEscape(acct) + "&rel=self")
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
		if resp.StatusCode == http.StatusOK {
			fmt.Println(string(body))
		}
	}
	// Output:
	// 200 application/jrd+json
	// {"subject":"acct:alice@example.com","aliases":["https://example.com/@alice","https://example.com/users/alice"],"links":[{"rel":"self","type":"application/activity+json","href":"https://example.com/users/alice"}]}
	// 404 text/plain; charset=utf-8
	// 410 text/plain; charset=utf-8
}
