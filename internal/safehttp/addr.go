package safehttp

import (
	"net/netip"
)

// blockedRange is an address range that is never dialled, with the reason
// given in errors.
type blockedRange struct {
	prefix netip.Prefix
	reason string
}

// blockedV4 lists the IPv4 ranges that are not reachable public unicast
// (IANA IPv4 Special-Purpose Address Registry, plus multicast and class E).
var blockedV4 = [...]blockedRange{
	{netip.MustParsePrefix("0.0.0.0/8"), "this network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.31.196.0/24"), "AS112"},
	{netip.MustParsePrefix("192.52.193.0/24"), "AMT"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("192.175.48.0/24"), "AS112"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
}

// blockedV6 lists ranges inside global unicast 2000::/3 that are not
// reachable public unicast. Everything outside 2000::/3 is refused anyway,
// except NAT64 (checked by its embedded IPv4 address).
var blockedV6 = [...]blockedRange{
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2620:4f:8000::/48"), "AS112"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
}

var (
	globalUnicastV6 = netip.MustParsePrefix("2000::/3")
	nat64WellKnown  = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local      = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour       = netip.MustParsePrefix("2002::/16")
	uniqueLocal     = netip.MustParsePrefix("fc00::/7")
	siteLocal       = netip.MustParsePrefix("fec0::/10")
	srv6SID         = netip.MustParsePrefix("5f00::/16")
)

// CheckAddr reports whether ip may be dialled. It returns nil for public
// unicast addresses and an [*AddressError] wrapping [ErrPrivateAddress]
// for everything else: loopback, private, link-local, multicast,
// unspecified, shared (CGNAT), documentation, benchmarking and reserved
// ranges, and IPv6 addresses that embed a refused IPv4 address
// (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16).
func CheckAddr(ip netip.Addr) error {
	if reason := classify(ip); reason != "" {
		return &AddressError{Addr: ip, Reason: reason}
	}
	return nil
}

// classify returns why ip is refused, or "" if it is public unicast.
func classify(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		if r := classifyV4(ip.Unmap()); r != "" {
			return "IPv4-mapped " + r
		}
		return ""
	}
	if ip.Is4() {
		return classifyV4(ip)
	}
	return classifyV6(ip)
}

func classifyV4(ip netip.Addr) string {
	if ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return "broadcast"
	}
	for _, b := range blockedV4 {
		if b.prefix.Contains(ip) {
			return b.reason
		}
	}
	return ""
}

func classifyV6(ip netip.Addr) string {
	switch {
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsMulticast():
		return "multicast"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case uniqueLocal.Contains(ip):
		return "unique local (private)"
	case siteLocal.Contains(ip):
		return "site-local"
	case nat64Local.Contains(ip):
		return "local-use NAT64"
	case srv6SID.Contains(ip):
		return "SRv6 SID"
	case nat64WellKnown.Contains(ip):
		b := ip.As16()
		if r := classifyV4(netip.AddrFrom4([4]byte(b[12:16]))); r != "" {
			return "NAT64 of " + r
		}
		return ""
	case sixToFour.Contains(ip):
		b := ip.As16()
		if r := classifyV4(netip.AddrFrom4([4]byte(b[2:6]))); r != "" {
			return "6to4 of " + r
		}
		return ""
	case !globalUnicastV6.Contains(ip):
		return "reserved"
	}
	for _, b := range blockedV6 {
		if b.prefix.Contains(ip) {
			return b.reason
		}
	}
	return ""
}
