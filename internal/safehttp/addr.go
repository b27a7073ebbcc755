package safehttp

import (
	"net/netip"
	"strings"
)

// CheckAddr reports whether ip may be dialled. It returns nil for public
// unicast addresses and an [*AddressError] wrapping [ErrPrivateAddress]
// for everything else: loopback, private, link-local, multicast,
// unspecified, shared (CGNAT), documentation, benchmarking and reserved
// ranges, and IPv6 addresses that embed a refused IPv4 address
// (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16).
//
// The ranges are those of the IANA IPv4 and IPv6 Special-Purpose Address
// Registries that are not globally reachable, plus multicast; for IPv6,
// anything outside global unicast 2000::/3 is refused except NAT64.
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
		if r := classifyV4(ip.Unmap().As4()); r != "" {
			return "IPv4-mapped " + r
		}
		return ""
	}
	if ip.Is4() {
		return classifyV4(ip.As4())
	}
	return classifyV6(ip.As16())
}

func classifyV4(b [4]byte) string {
	switch {
	case b[0] == 0: // 0.0.0.0/8
		return "this network"
	case b[0] == 10: // 10.0.0.0/8
		return "private"
	case b[0] == 100 && b[1]&0xc0 == 64: // 100.64.0.0/10
		return "carrier-grade NAT"
	case b[0] == 127: // 127.0.0.0/8
		return "loopback"
	case b[0] == 169 && b[1] == 254: // 169.254.0.0/16
		return "link-local"
	case b[0] == 172 && b[1]&0xf0 == 16: // 172.16.0.0/12
		return "private"
	case b[0] == 192 && b[1] == 0 && b[2] == 0: // 192.0.0.0/24
		return "IETF protocol assignments"
	case b[0] == 192 && b[1] == 0 && b[2] == 2: // 192.0.2.0/24
		return "documentation"
	case b[0] == 192 && b[1] == 31 && b[2] == 196, // 192.31.196.0/24
		b[0] == 192 && b[1] == 175 && b[2] == 48: // 192.175.48.0/24
		return "AS112"
	case b[0] == 192 && b[1] == 52 && b[2] == 193: // 192.52.193.0/24
		return "AMT"
	case b[0] == 192 && b[1] == 88 && b[2] == 99: // 192.88.99.0/24
		return "6to4 relay anycast"
	case b[0] == 192 && b[1] == 168: // 192.168.0.0/16
		return "private"
	case b[0] == 198 && b[1]&0xfe == 18: // 198.18.0.0/15
		return "benchmarking"
	case b[0] == 198 && b[1] == 51 && b[2] == 100, // 198.51.100.0/24
		b[0] == 203 && b[1] == 0 && b[2] == 113: // 203.0.113.0/24
		return "documentation"
	case b[0]&0xf0 == 224: // 224.0.0.0/4
		return "multicast"
	case b == [4]byte{255, 255, 255, 255}:
		return "broadcast"
	case b[0]&0xf0 == 240: // 240.0.0.0/4
		return "reserved"
	}
	return ""
}

func classifyV6(b [16]byte) string {
	switch {
	case b == [16]byte{}:
		return "unspecified"
	case b == [16]byte{15: 1}:
		return "loopback"
	case b[0] == 0xff: // ff00::/8
		return "multicast"
	case b[0] == 0xfe && b[1]&0xc0 == 0x80: // fe80::/10
		return "link-local"
	case b[0] == 0xfe && b[1]&0xc0 == 0xc0: // fec0::/10
		return "site-local"
	case b[0]&0xfe == 0xfc: // fc00::/7
		return "unique local (private)"
	case b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b: // 64:ff9b::/32
		if b[4] == 0 && b[5] == 1 { // 64:ff9b:1::/48
			return "local-use NAT64"
		}
		if [8]byte(b[4:12]) == [8]byte{} { // 64:ff9b::/96
			if r := classifyV4([4]byte(b[12:16])); r != "" {
				return "NAT64 of " + r
			}
			return ""
		}
		return "reserved"
	case b[0] == 0x20 && b[1] == 0x02: // 2002::/16
		if r := classifyV4([4]byte(b[2:6])); r != "" {
			return "6to4 of " + r
		}
		return ""
	case b[0] == 0x5f && b[1] == 0x00: // 5f00::/16
		return "SRv6 SID"
	case b[0]&0xe0 != 0x20: // outside 2000::/3
		return "reserved"
	case b[0] == 0x20 && b[1] == 0x01 && b[2]&0xfe == 0x00: // 2001::/23
		return "IETF protocol assignments"
	case b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8: // 2001:db8::/32
		return "documentation"
	case b[0] == 0x26 && b[1] == 0x20 && b[2] == 0x00 && b[3] == 0x4f && b[4] == 0x80 && b[5] == 0x00: // 2620:4f:8000::/48
		return "AS112"
	case b[0] == 0x3f && b[1] == 0xff && b[2]&0xf0 == 0x00: // 3fff::/20
		return "documentation"
	}
	return ""
}

// IsNumericHost reports whether host, a name that is not a valid IP
// literal, would still be read as an IPv4 address by browsers (WHATWG URL)
// and by resolvers built on C's inet_aton: its last label is a decimal,
// octal or 0x-hexadecimal number, as in "2130706433", "0x7f.1",
// "0177.0.0.1" or "127.1". No real host name ends in a numeric label, so
// such a host is refused rather than handed to a resolver that might turn
// it into a loopback address.
func IsNumericHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if len(last) >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') {
		for i := 2; i < len(last); i++ {
			if !isHexDigit(last[i]) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

// parseNumericIPv4 reads host the way inet_aton and WHATWG URL do: one to
// four dot-separated parts, each decimal, octal (leading 0) or hexadecimal
// (0x), the last filling the remaining bytes. It reports false if host is
// not such a form.
func parseNumericIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := parseNumericPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return netip.Addr{}, false
			}
			v = v<<8 | n
			continue
		}
		width := uint(8 * (5 - len(parts)))
		if n >= 1<<width {
			return netip.Addr{}, false
		}
		v = v<<width | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func parseNumericPart(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'):
		p, base = p[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) >= 2 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p == "" || len(p) > 32 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(p); i++ {
		c := p[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if d >= uint64(base) {
			return 0, false
		}
		n = n*uint64(base) + d
		if n > 1<<32 {
			return 0, false
		}
	}
	return n, true
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
