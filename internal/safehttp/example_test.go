package safehttp_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/starling-fed/starling/internal/safehttp"
)

// The production client refuses a loopback server; a test opts in.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "hello")
	}))
	defer srv.Close()

	strict, err := safehttp.New(safehttp.Config{InsecureAllowHTTP: true})
	if err != nil {
		panic(err)
	}
	_, err = strict.Get(srv.URL)
	fmt.Println("strict:", errors.Is(err, safehttp.ErrPrivateAddress))

	lenient, err := safehttp.New(safehttp.Config{InsecureAllowHTTP: true, InsecureAllowPrivateAddresses: true})
	if err != nil {
		panic(err)
	}
	resp, err := lenient.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println("opted in:", string(body))
	// Output:
	// strict: true
	// opted in: hello
}
