package webfinger

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var resourceTests = []struct {
	in   string
	want Resource // zero = error
}{
	{"acct:alice@example.com", Resource{URI: "acct:alice@example.com", User: "alice", Host: "example.com"}},
	{"ACCT:alice@Example.COM", Resource{URI: "acct:alice@example.com", User: "alice", Host: "example.com"}},
	{"alice@example.com", Resource{URI: "acct:alice@example.com", User: "alice", Host: "example.com"}},
	{"@alice@example.com", Resource{URI: "acct:alice@example.com", User: "alice", Host: "example.com"}},
	{"  @alice@example.com\n", Resource{URI: "acct:alice@example.com", User: "alice", Host: "example.com"}},
	{"Alice_1.x-y~z@social.example.com", Resource{URI: "acct:Alice_1.x-y~z@social.example.com", User: "Alice_1.x-y~z", Host: "social.example.com"}},
	{"acct:juliet%40capulet.example@shoppingsite.example", Resource{URI: "acct:juliet%40capulet.example@shoppingsite.example", User: "juliet%40capulet.example", Host: "shoppingsite.example"}},
	{"alice@example.com:8443", Resource{URI: "acct:alice@example.com:8443", User: "alice", Host: "example.com:8443"}},
	{"alice@127.0.0.1:8443", Resource{URI: "acct:alice@127.0.0.1:8443", User: "alice", Host: "127.0.0.1:8443"}},
	{"alice@[::1]:8443", Resource{URI: "acct:alice@[::1]:8443", User: "alice", Host: "[::1]:8443"}},
	{"alice@[2001:DB8::1]", Resource{URI: "acct:alice@[2001:db8::1]", User: "alice", Host: "[2001:db8::1]"}},
	{"alice@bücher.example", Resource{URI: "acct:alice@xn--bcher-kva.example", User: "alice", Host: "xn--bcher-kva.example"}},
	{"alice@BÜCHER.example", Resource{URI: "acct:alice@xn--bcher-kva.example", User: "alice", Host: "xn--bcher-kva.example"}},
	{"alice@xn--bcher-kva.example", Resource{URI: "acct:alice@xn--bcher-kva.example", User: "alice", Host: "xn--bcher-kva.example"}},
	{"alice@ｅｘａｍｐｌｅ.com", Resource{URI: "acct:alice@example.com", User: "alice", Host: "example.com"}},
	{"alice@例え.テスト", Resource{URI: "acct:alice@xn--r8jz45g.xn--zckzah", User: "alice", Host: "xn--r8jz45g.xn--zckzah"}},
	{"https://example.com/@alice", Resource{URI: "https://example.com/@alice", Host: "example.com"}},
	{"HTTPS://Example.com/users/alice", Resource{URI: "https://example.com/users/alice", Host: "example.com"}},
	{"http://blog.example.com/article/id/314", Resource{URI: "http://blog.example.com/article/id/314", Host: "blog.example.com"}},
	{"https://bücher.example/@alice", Resource{URI: "https://xn--bcher-kva.example/@alice", Host: "xn--bcher-kva.example"}},
	{"mailto:alice@example.com", Resource{URI: "mailto:alice@example.com"}},
	{"device:p1.example.com", Resource{URI: "device:p1.example.com"}},

	// Malformed.
	{"", Resource{}},
	{"   ", Resource{}},
	{"acct:", Resource{}},
	{"acct:alice", Resource{}},
	{"acct:@example.com", Resource{}},
	{"acct:alice@", Resource{}},
	{"acct:alice@@example.com", Resource{}},
	{"acct:alice@bob@example.com", Resource{}},
	{"@@alice@example.com", Resource{}},
	{"@alice", Resource{}},
	{"alice", Resource{}},
	{"alice@exa mple.com", Resource{}},
	{"al ice@example.com", Resource{}},
	{"alice\x00@example.com", Resource{}},
	{"alice@example.com\r\nHost: evil", Resource{}},
	{"al/ice@example.com", Resource{}},
	{"al?ice@example.com", Resource{}},
	{"al#ice@example.com", Resource{}},
	{"alice%@example.com", Resource{}},
	{"alice%zz@example.com", Resource{}},
	{"ålice@example.com", Resource{}},
	{"alice@example..com", Resource{}},
	{"alice@.example.com", Resource{}},
	{"alice@example.com.", Resource{}},
	{"alice@-example.com", Resource{}},
	{"alice@exa_mple.com", Resource{}},
	{"alice@example.com:", Resource{}},
	{"alice@example.com:0", Resource{}},
	{"alice@example.com:65536", Resource{}},
	{"alice@example.com:08443", Resource{}},
	{"alice@example.com:https", Resource{}},
	{"alice@[::1", Resource{}},
	{"alice@[::1]x", Resource{}},
	{"alice@[127.0.0.1]", Resource{}},
	{"alice@[fe80::1%25eth0]", Resource{}},
	{"alice@::1", Resource{}},
	{"alice@2130706433", Resource{}},
	{"alice@0x7f.1", Resource{}},
	{"alice@0177.0.0.1", Resource{}},
	{"alice@127.1", Resource{}},
	{"alice@example.0x10", Resource{}},
	{"https://0x7f.1/@alice", Resource{}},
	{"https://2130706433/users/alice", Resource{}},
	{"alice@" + strings.Repeat("a", 64) + ".example", Resource{}},
	{"alice@xn--.example", Resource{}},
	{"alice@\u202eelpmaxe.com", Resource{}},
	{"acct:" + strings.Repeat("a", MaxResourceLength) + "@example.com", Resource{}},
	{"https://", Resource{}},
	{"https:///path", Resource{}},
	{"https://user:pass@example.com/", Resource{}},
	{"https://exa mple.com/", Resource{}},
	{"https://example.com:99999/", Resource{}},
	{"1http://example.com", Resource{}},
	{"java script:alert(1)", Resource{}},
	{"mailto:", Resource{}},
}

func TestParseResource(t *testing.T) {
	for _, tt := range resourceTests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseResource(tt.in)
			if tt.want == (Resource{}) {
				require.ErrorIs(t, err, ErrInvalidAddress)
				assert.LessOrEqual(t, len(err.Error()), 300, "error messages stay short")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want.URI, got.String())
			// Parsing the canonical form again is stable.
			again, err := ParseResource(got.URI)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestResourceAccessors(t *testing.T) {
	acct, err := ParseResource("@alice@example.com")
	require.NoError(t, err)
	assert.True(t, acct.IsAccount())
	assert.False(t, acct.IsURL())
	assert.Equal(t, "alice@example.com", acct.Account())

	u, err := ParseResource("https://example.com/@alice")
	require.NoError(t, err)
	assert.False(t, u.IsAccount())
	assert.True(t, u.IsURL())
	assert.Empty(t, u.Account())
}

func FuzzParseResource(f *testing.F) {
	for _, tt := range resourceTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseResource(s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidAddress)
			return
		}
		// A parsed resource re-parses to itself from its canonical form.
		again, err := ParseResource(r.URI)
		require.NoError(t, err, "canonical %q of %q", r.URI, s)
		require.Equal(t, r, again)
		if r.IsAccount() {
			require.Equal(t, "acct:"+r.Account(), r.URI)
		}
	})
}

func BenchmarkParseResource(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParseResource("@alice@social.example.com")
	}
}
