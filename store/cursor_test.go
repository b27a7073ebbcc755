package store_test

import (
	"hash/crc64"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

const scope = "https://example.com/users/alice/outbox"

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []store.Cursor{
		{Scope: scope, Position: 1},
		{Scope: scope, Position: 1<<63 - 1},
		{Scope: "", Position: 42},
		{Scope: "followers\x00https://example.com/u/é", Position: 7},
		// A long collection IRI full of characters JSON escapes, and a
		// scope that is not UTF-8: both once made cursors that their own
		// store refused.
		{Scope: "https://example.com/c?" + strings.Repeat("a&<", store.MaxIRILength/3-10), Position: 9},
		{Scope: "https://example.com/\xff", Position: 3},
	} {
		s := store.EncodeCursor(c)
		assert.NotContains(t, s, "=")
		assert.LessOrEqual(t, len(s), 75, "cursors stay short whatever the scope")
		got, err := store.DecodeCursor(s, c.Scope)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
}

func cursorTampers(good string) map[string]string {
	flipped := []byte(good)
	flipped[len(flipped)/2] ^= 0x01
	return map[string]string{
		"empty":          "",
		"garbage":        "not a cursor!",
		"truncated":      good[:len(good)-2],
		"flipped byte":   string(flipped),
		"padded":         good + "==",
		"std alphabet":   strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+",
		"other scope":    store.EncodeCursor(store.Cursor{Scope: scope + "x", Position: 5}),
		"zero position":  store.EncodeCursor(store.Cursor{Scope: scope, Position: 0}),
		"neg position":   store.EncodeCursor(store.Cursor{Scope: scope, Position: -3}),
		"extra field":    b64(`{"v":2,"p":5,"c":` + check5 + `,"x":1}`),
		"bad version":    b64(`{"v":3,"p":5,"c":` + check5 + `}`),
		"spaces":         b64(`{"v":2, "p":5,"c":` + check5 + `}`),
		"trailing data":  b64(`{"v":2,"p":5,"c":` + check5 + `}{}`),
		"float position": b64(`{"v":2,"p":5.5,"c":` + check5 + `}`),
		"bad checksum":   b64(`{"v":2,"p":6,"c":` + check5 + `}`),
		"no checksum":    b64(`{"v":2,"p":5}`),
		"very long":      strings.Repeat("A", store.MaxCursorLength+1),
		"upper-case key": b64(`{"V":2,"p":5,"c":` + check5 + `}`),
		"version 1":      b64(`{"v":1,"s":"` + scope + `","p":5,"c":` + check5 + `}`),
	}
}

func b64(s string) string {
	// EncodeCursor's alphabet, without going through its JSON.
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var out []byte
	in := []byte(s)
	for i := 0; i < len(in); i += 3 {
		var n uint32
		k := min(3, len(in)-i)
		for j := 0; j < 3; j++ {
			n <<= 8
			if j < k {
				n |= uint32(in[i+j])
			}
		}
		for j := 0; j <= k; j++ {
			out = append(out, enc[(n>>(18-6*j))&63])
		}
	}
	return string(out)
}

// check5 is the checksum of position 5 in scope.
var check5 = strconv.FormatUint(crc64.Checksum([]byte("5\x00"+scope), crc64.MakeTable(crc64.ECMA)), 10)

func TestDecodeCursorRejectsEveryCharacterChange(t *testing.T) {
	good := store.EncodeCursor(store.Cursor{Scope: scope, Position: 1234567})
	for i := range len(good) {
		for _, r := range "AQgw-_09" {
			if byte(r) == good[i] {
				continue
			}
			bad := good[:i] + string(r) + good[i+1:]
			_, err := store.DecodeCursor(bad, scope)
			require.ErrorIs(t, err, store.ErrInvalidCursor, "cursor with character %d changed to %q", i, r)
		}
	}
}

func TestDecodeCursorRejectsTampering(t *testing.T) {
	good := store.EncodeCursor(store.Cursor{Scope: scope, Position: 5})
	_, err := store.DecodeCursor(b64(`{"v":2,"p":5,"c":`+check5+`}`), scope)
	require.NoError(t, err, "the test's encoder agrees with EncodeCursor")
	for name, bad := range cursorTampers(good) {
		t.Run(name, func(t *testing.T) {
			_, err := store.DecodeCursor(bad, scope)
			assert.ErrorIs(t, err, store.ErrInvalidCursor)
		})
	}
}

func FuzzDecodeCursor(f *testing.F) {
	good := store.EncodeCursor(store.Cursor{Scope: scope, Position: 5})
	f.Add(good)
	for _, bad := range cursorTampers(good) {
		f.Add(bad)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := store.DecodeCursor(s, scope)
		if err != nil {
			require.ErrorIs(t, err, store.ErrInvalidCursor)
			return
		}
		require.Equal(t, s, store.EncodeCursor(c), "only canonical cursors decode")
		require.Positive(t, c.Position)
	})
}

func FuzzCursorRoundTrip(f *testing.F) {
	f.Add(scope, int64(5))
	f.Add("", int64(1))
	f.Add("followers\x00https://example.com/u/é\x00accepted", int64(1<<62))
	f.Add("https://example.com/c?a&b<c>d\"e\\f", int64(77))
	f.Add("\xff\xfe", int64(2))
	f.Fuzz(func(t *testing.T, sc string, pos int64) {
		c := store.Cursor{Scope: sc, Position: pos}
		s := store.EncodeCursor(c)
		require.LessOrEqual(t, len(s), 75)
		got, err := store.DecodeCursor(s, sc)
		if pos <= 0 {
			require.ErrorIs(t, err, store.ErrInvalidCursor)
			return
		}
		require.NoError(t, err, "a cursor decodes in the scope it was made for")
		require.Equal(t, c, got)
		_, err = store.DecodeCursor(s, sc+"x")
		require.ErrorIs(t, err, store.ErrInvalidCursor, "and in no other")
	})
}
