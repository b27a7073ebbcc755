package sfv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each fuzz target checks that parsing never panics and that whatever parses
// serializes to a canonical form that parses back to the same form.

// addConformanceSeeds adds the raw inputs of the conformance suite's cases
// of header type typ.
func addConformanceSeeds(f *testing.F, typ string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "structured-field-tests", "*.json"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		var cases []conformanceCase
		require.NoError(f, json.Unmarshal(data, &cases))
		for _, c := range cases {
			if c.HeaderType == typ && len(c.Raw) > 0 && len(c.Raw[0]) < 1024 {
				f.Add(strings.Join(c.Raw, ", "))
			}
		}
	}
}

func FuzzDictionary(f *testing.F) {
	for _, tt := range dictCases {
		f.Add(tt.in)
	}
	addConformanceSeeds(f, "dictionary")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ParseDictionary(in)
		if err != nil {
			return
		}
		s, err := SerializeDictionary(d)
		require.NoError(t, err)
		d2, err := ParseDictionary(s)
		require.NoError(t, err)
		s2, err := SerializeDictionary(d2)
		require.NoError(t, err)
		assert.Equal(t, s, s2)
	})
}

func FuzzInnerList(f *testing.F) {
	for _, s := range []string{`("@method" "@target-uri");created=1;keyid="k"`, `()`, `(a b);q=0.5`, `(1 2`, `(:aGk=: ?1 -1.5 tok/en)`} {
		f.Add(s)
	}
	addConformanceSeeds(f, "list")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := ParseList(in)
		if err != nil {
			return
		}
		s, err := SerializeList(l)
		require.NoError(t, err)
		l2, err := ParseList(s)
		require.NoError(t, err)
		s2, err := SerializeList(l2)
		require.NoError(t, err)
		assert.Equal(t, s, s2)
	})
}

func FuzzItem(f *testing.F) {
	for _, s := range []string{`"@query-param";name="Pet"`, `"content-digest"`, `1.5;a=?0`, `:aGVsbG8:`, `"\"esc\\"`, `*tok`, `-999999999999999`, `?2`} {
		f.Add(s)
	}
	addConformanceSeeds(f, "item")
	f.Fuzz(func(t *testing.T, in string) {
		it, err := ParseItem(in)
		if err != nil {
			return
		}
		s, err := SerializeItem(it)
		require.NoError(t, err)
		it2, err := ParseItem(s)
		require.NoError(t, err)
		s2, err := SerializeItem(it2)
		require.NoError(t, err)
		assert.Equal(t, s, s2)
	})
}
