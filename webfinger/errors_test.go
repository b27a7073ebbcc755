package webfinger

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/internal/safehttp"
)

func TestError(t *testing.T) {
	err := error(&Error{URL: "https://example.com/.well-known/webfinger?resource=acct%3Aa%40example.com", Status: 410, Err: ErrGone})
	assert.Equal(t, "webfinger: gone (GET https://example.com/.well-known/webfinger?resource=acct%3Aa%40example.com: status 410)", err.Error())
	require.ErrorIs(t, err, ErrGone)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 410, e.Status)

	noStatus := &Error{URL: "https://example.com/", Err: errors.New("dial failed")}
	assert.Equal(t, "dial failed (GET https://example.com/)", noStatus.Error())
}

func TestSentinelsShareSafeHTTP(t *testing.T) {
	wrapped := &Error{Err: &safehttp.AddressError{Reason: "loopback"}}
	assert.ErrorIs(t, wrapped, ErrPrivateAddress)
	assert.ErrorIs(t, wrapped, safehttp.ErrPrivateAddress)
}

func TestStatusError(t *testing.T) {
	assert.Equal(t, ErrNotFound, statusError(404))
	assert.Equal(t, ErrGone, statusError(410))
	assert.Equal(t, ErrBadResponse, statusError(500))
	assert.Equal(t, ErrBadResponse, statusError(301))
}
