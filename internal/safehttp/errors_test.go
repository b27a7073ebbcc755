package safehttp

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddressError(t *testing.T) {
	err := error(&AddressError{Host: "internal.example", Addr: netip.MustParseAddr("10.0.0.1"), Reason: "private"})
	assert.Equal(t, "safehttp: address is not public: 10.0.0.1 is private (resolved from internal.example)", err.Error())
	require.ErrorIs(t, err, ErrPrivateAddress)
	var ae *AddressError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, "private", ae.Reason)

	literal := &AddressError{Addr: netip.MustParseAddr("::1"), Reason: "loopback"}
	assert.Equal(t, "safehttp: address is not public: ::1 is loopback", literal.Error())
}
