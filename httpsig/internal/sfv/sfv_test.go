package sfv

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dictCases seed FuzzDictionary; want is the canonical form, "" for an error.
var dictCases = []struct {
	name, in, want string
}{
	{"signature input", `sig1=("@method" "@target-uri");created=1618884473;keyid="k"`, `sig1=("@method" "@target-uri");created=1618884473;keyid="k"`},
	{"signature", `sig1=:aGVsbG8=:`, `sig1=:aGVsbG8=:`},
	{"two members ows", "a=1 ,\tb=?0", "a=1, b=?0"},
	{"boolean true member", "a;x, b=2", "a;x, b=2"},
	{"inner list with params", `c=(a   b   c);p=1.50`, `c=(a b c);p=1.5`},
	{"content digest", `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:aGk=:`, `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:aGk=:`},
	{"empty", "", ""},
	{"trailing comma", "a=1,", ""},
	{"upper case key", "A=1", ""},
	{"unterminated inner list", `sig1=("@method"`, ""},
	{"unterminated string", `a="abc`, ""},
	{"bad byte sequence", "a=:a*b:", ""},
	{"unterminated byte sequence", "a=:aGk=", ""},
	{"integer too long", "a=1234567890123456", ""},
	{"decimal too precise", "a=1.2345", ""},
	{"tab inside inner list", "a=(1\t2)", ""},
	{"non-ascii string", "a=\"caf\xc3\xa9\"", ""},
}

func TestDictionary(t *testing.T) {
	for _, tt := range dictCases {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDictionary(tt.in)
			if tt.want == "" && tt.in != "" {
				require.ErrorIs(t, err, ErrSyntax)
				return
			}
			require.NoError(t, err)
			s, err := SerializeDictionary(d)
			require.NoError(t, err)
			assert.Equal(t, tt.want, s)
		})
	}
}

func TestDuplicates(t *testing.T) {
	d, err := ParseDictionary("a=1, b=2, a=3")
	require.NoError(t, err)
	s, _ := SerializeDictionary(d)
	assert.Equal(t, "a=3, b=2", s, "RFC 8941 overwrites in place")

	strict := Parser{RejectDuplicates: true}
	_, err = strict.ParseDictionary("a=1, b=2, a=3")
	assert.ErrorIs(t, err, ErrDuplicateKey)
	_, err = strict.ParseDictionary(`s=();created=1;created=2`)
	assert.ErrorIs(t, err, ErrDuplicateKey)
	_, err = strict.ParseItem(`1;a;a`)
	assert.ErrorIs(t, err, ErrDuplicateKey)
	it, err := ParseItem(`1;a;a=2`)
	require.NoError(t, err)
	assert.Equal(t, Params{{Key: "a", Value: int64(2)}}, it.Params)
}

func TestLimits(t *testing.T) {
	many := func(n int, sep, item string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = item
		}
		return strings.Join(parts, sep)
	}
	_, err := ParseList(many(MaxMembers, ",", "a"))
	require.NoError(t, err)
	_, err = ParseList(many(MaxMembers+1, ",", "a"))
	assert.ErrorIs(t, err, ErrTooLarge)

	_, err = ParseItem("(" + many(MaxInnerItems, " ", "a") + ")")
	assert.ErrorIs(t, err, ErrSyntax, "an inner list is not an item")
	_, err = ParseList("(" + many(MaxInnerItems, " ", "a") + ")")
	require.NoError(t, err)
	_, err = ParseList("(" + many(MaxInnerItems+1, " ", "a") + ")")
	assert.ErrorIs(t, err, ErrTooLarge)

	var b strings.Builder
	b.WriteString("1")
	for i := 0; i < MaxParams+1; i++ {
		b.WriteString(";k")
		b.WriteString(strings.Repeat("a", i%20+1))
		b.WriteString(string(rune('a' + i/20)))
	}
	_, err = ParseItem(b.String())
	assert.ErrorIs(t, err, ErrTooLarge)

	_, err = ParseItem(`"` + strings.Repeat("a", MaxInput) + `"`)
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestGetters(t *testing.T) {
	d, err := ParseDictionary(`a=(1 2);x=?0, b`)
	require.NoError(t, err)
	m, ok := d.Get("a")
	require.True(t, ok)
	v, ok := m.Parameters().Get("x")
	require.True(t, ok)
	assert.Equal(t, false, v)
	_, ok = m.Parameters().Get("y")
	assert.False(t, ok)
	m, ok = d.Get("b")
	require.True(t, ok)
	assert.Equal(t, Item{Value: true}, m)
	_, ok = d.Get("c")
	assert.False(t, ok)
}

func TestSerializeErrors(t *testing.T) {
	bad := []Item{
		{Value: int64(1e15)},
		{Value: Decimal(1e15)},
		{Value: "caf\u00e9"},
		{Value: "line\nbreak"},
		{Value: Token("1abc")},
		{Value: Token("a b")},
		{Value: Token("")},
		{Value: 1.5},
		{Value: int64(1), Params: Params{{Key: "Upper", Value: true}}},
		{Value: int64(1), Params: Params{{Key: "", Value: true}}},
		{Value: int64(1), Params: Params{{Key: "k", Value: struct{}{}}}},
	}
	for _, it := range bad {
		_, err := SerializeItem(it)
		assert.ErrorIs(t, err, ErrValue, "%#v", it)
	}
	_, err := SerializeDictionary(Dictionary{{Key: "a", Value: nil}})
	assert.ErrorIs(t, err, ErrValue)
	_, err = SerializeMember(InnerList{Items: []Item{{Value: "a"}, {Value: int(-3)}}, Params: Params{{Key: "d", Value: Decimal(-1250)}}})
	require.NoError(t, err)
	s, _ := SerializeMember(InnerList{Items: []Item{{Value: "a"}, {Value: int(-3)}}, Params: Params{{Key: "d", Value: Decimal(-1250)}}})
	assert.Equal(t, `("a" -3);d=-1.25`, s)
	s, _ = SerializeInnerList(InnerList{})
	assert.Equal(t, "()", s)
}
