package devtls_test

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/examples/internal/devtls"
)

// TestCert serves https on loopback with a fresh certificate: a client
// given the certificate's pool connects, one with the system roots refuses.
func TestCert(t *testing.T) {
	cert, err := devtls.New()
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	ts.TLS = cert.ServerConfig()
	ts.StartTLS()
	defer ts.Close()

	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: cert.ClientConfig()}}
	resp, err := trusting.Get(ts.URL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, "hello", string(body))

	system := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{}}}
	_, err = system.Get(ts.URL)
	assert.Error(t, err, "a throwaway certificate is trusted by nobody else")
}

func TestNames(t *testing.T) {
	cert, err := devtls.New("127.0.0.1", "localhost")
	require.NoError(t, err)
	leaf := cert.Server.Leaf
	require.NoError(t, leaf.VerifyHostname("127.0.0.1"))
	require.NoError(t, leaf.VerifyHostname("localhost"))
	assert.Error(t, leaf.VerifyHostname("example.com"))
}
