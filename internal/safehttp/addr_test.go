package safehttp

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr   string
		reason string // "" = allowed
	}{
		{"93.184.216.34", ""},
		{"1.1.1.1", ""},
		{"2606:4700:4700::1111", ""},
		{"2a01:4f8::1", ""},
		{"0.0.0.0", "this network"},
		{"0.1.2.3", "this network"},
		{"10.0.0.1", "private"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"100.128.0.1", ""},
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"169.254.169.254", "link-local"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"172.32.0.1", ""},
		{"192.0.0.8", "IETF protocol assignments"},
		{"192.0.2.1", "documentation"},
		{"192.88.99.1", "6to4 relay anycast"},
		{"192.168.1.1", "private"},
		{"198.18.0.1", "benchmarking"},
		{"198.19.255.255", "benchmarking"},
		{"198.51.100.7", "documentation"},
		{"203.0.113.9", "documentation"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "broadcast"},
		{"::", "unspecified"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "IPv4-mapped loopback"},
		{"::ffff:10.1.2.3", "IPv4-mapped private"},
		{"::ffff:93.184.216.34", ""},
		{"::127.0.0.1", "reserved"}, // deprecated IPv4-compatible
		{"64:ff9b::a00:1", "NAT64 of private"},
		{"64:ff9b::7f00:1", "NAT64 of loopback"},
		{"64:ff9b::5db8:d822", ""},
		{"64:ff9b:1::1", "local-use NAT64"},
		{"64:ff9b:2::1", "reserved"},
		{"2620:4f:8000::1", "AS112"},
		{"2620:4f:8001::1", ""},
		{"192.31.196.1", "AS112"},
		{"192.175.48.1", "AS112"},
		{"192.52.193.1", "AMT"},
		{"192.0.1.1", ""},
		{"101.64.0.1", ""},
		{"223.255.255.255", ""},
		{"2001:200::1", ""},
		{"1fff::1", "reserved"},
		{"4000::1", "reserved"},
		{"3fff:1000::1", ""},
		{"5f00:1::1", "SRv6 SID"},
		{"5f01::1", "reserved"},
		{"100::1", "reserved"},
		{"2001::1", "IETF protocol assignments"}, // Teredo
		{"2001:db8::1", "documentation"},
		{"2001:db80::1", ""},
		{"2002:a00:1::1", "6to4 of private"},
		{"2002:7f00:1::", "6to4 of loopback"},
		{"2002:5db8:d822::1", ""},
		{"3fff::1", "documentation"},
		{"5f00::1", "SRv6 SID"},
		{"fc00::1", "unique local (private)"},
		{"fd12:3456::1", "unique local (private)"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"fec0::1", "site-local"},
		{"ff02::1", "multicast"},
		{"ff0e::1", "multicast"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.addr)
			err := CheckAddr(ip)
			if tt.reason == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrPrivateAddress)
			var ae *AddressError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.reason, ae.Reason)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

func TestIsNumericHost(t *testing.T) {
	for host, want := range map[string]bool{
		"2130706433": true, "0x7f.1": true, "127.1": true, "0177.0.0.1": true, "example.0x": true,
		"example.com.1.": true, "1.2.3.4.5": true,
		"example.com": false, "1.example": false, "0xexample": false, "123abc": false,
		"": false, ".": false, "example.com.": false, "xn--80ak6aa92e.com": false,
	} {
		assert.Equal(t, want, IsNumericHost(host), host)
	}
}

func TestCheckAddrInvalid(t *testing.T) {
	require.ErrorIs(t, CheckAddr(netip.Addr{}), ErrPrivateAddress)
}

func FuzzCheckAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "93.184.216.34", "2606:4700::1"} {
		f.Add(netip.MustParseAddr(s).AsSlice())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ip, ok := netip.AddrFromSlice(b)
		err := CheckAddr(ip)
		if !ok {
			require.Error(t, err)
			return
		}
		// A mapped address is judged exactly like the address it carries.
		if ip.Is4() {
			assert.Equal(t, err == nil, CheckAddr(netip.AddrFrom16(ip.As16())) == nil)
		}
	})
}

func BenchmarkCheckAddr(b *testing.B) {
	addrs := []netip.Addr{
		netip.MustParseAddr("93.184.216.34"),
		netip.MustParseAddr("2606:4700:4700::1111"),
		netip.MustParseAddr("10.0.0.1"),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = CheckAddr(addrs[i%len(addrs)])
	}
}

func FuzzNumericHost(f *testing.F) {
	for _, s := range []string{"2130706433", "0x7f.1", "127.1", "0177.0.0.1", "1.2.3.4", "example.com", "0x", "1..2", "4294967296"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		ip, ok := parseNumericIPv4(host)
		if !ok {
			return
		}
		require.True(t, ip.Is4())
		// A dotted-decimal literal means what netip says it means.
		if std, err := netip.ParseAddr(host); err == nil {
			assert.Equal(t, std, ip)
		}
	})
}
