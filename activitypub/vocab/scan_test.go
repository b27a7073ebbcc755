package vocab

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newScanner(s string) *scanner {
	return &scanner{data: []byte(s), maxDepth: DefaultMaxDepth, maxArray: DefaultMaxArrayLen}
}

func TestScannerValues(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`0`, true}, {`-1.5e+10`, true}, {`1E3`, true}, {`"\u00e9\ud83d\ude00"`, true},
		{`[1, "a", {"b": [null, true, false]}]`, true}, {` {} `, true},
		{`01`, false}, {`1.`, false}, {`-`, false}, {`1e`, false}, {`"\x"`, false}, {`"\u12"`, false},
		{`tru`, false}, {`nul`, false}, {`[1,]`, false}, {`{"a" 1}`, false}, {`{1:2}`, false},
		{`"abc`, false}, {"\"\xc3\"", false}, {`]`, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s := newScanner(tc.in)
			err := s.skip()
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, byte(0), s.peek(), "whole input read")
			} else if err == nil {
				assert.NotEqual(t, byte(0), s.peek(), "should not read cleanly")
			}
		})
	}
}

func TestScannerLoneSurrogate(t *testing.T) {
	b, err := newScanner(`"a\ud800b"`).readStringBytes()
	require.NoError(t, err)
	assert.Equal(t, "a\uFFFDb", string(b))
}

func TestScannerPath(t *testing.T) {
	s := newScanner(`{"a":[{"b":x}]}`)
	err := s.skip()
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "a[0].b", de.Path)
	assert.Equal(t, strings.Index(`{"a":[{"b":x}]}`, "x"), de.Offset)
}

func TestScannerInt(t *testing.T) {
	for in, want := range map[string]int64{`3`: 3, `3.0`: 3, `1e3`: 1000, `-7`: -7} {
		v, err := newScanner(in).readInt()
		require.NoError(t, err, in)
		assert.Equal(t, want, v)
	}
	for _, in := range []string{`3.5`, `1e300`} {
		_, err := newScanner(in).readInt()
		assert.ErrorIs(t, err, ErrInvalidValue, in)
	}
}

func TestSpecial8(t *testing.T) {
	naive := func(b []byte) bool {
		for _, c := range b {
			if plainStringByte[c] == 0 {
				return true
			}
		}
		return false
	}
	word := func(b []byte) uint64 {
		var w uint64
		for i := 7; i >= 0; i-- {
			w = w<<8 | uint64(b[i])
		}
		return w
	}
	// Every byte value at every position among plain filler.
	for p := 0; p < 8; p++ {
		for c := 0; c < 256; c++ {
			b := []byte("aaaaaaaa")
			b[p] = byte(c)
			require.Equal(t, naive(b), special8(word(b)), "byte %#x at %d", c, p)
		}
	}
	// Pairs of bytes, to catch borrows between neighbours.
	for c1 := 0; c1 < 256; c1++ {
		for c2 := 0; c2 < 256; c2++ {
			b := []byte{byte(c1), byte(c2), 'z', ' ', byte(c2), byte(c1), '~', 'A'}
			require.Equal(t, naive(b), special8(word(b)), "%#x %#x", c1, c2)
		}
	}
}
