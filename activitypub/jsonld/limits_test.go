package jsonld

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckDepth(t *testing.T) {
	tests := []struct {
		name string
		data string
		max  int
		ok   bool
	}{
		{"flat", `{"a":1}`, 1, true},
		{"at limit", `{"a":[{"b":1}]}`, 3, true},
		{"over limit", `{"a":[{"b":[]}]}`, 3, false},
		{"brackets in strings", `{"a":"[[[[{{{{"}`, 1, true},
		{"escaped quote", `{"a":"\"[[[["}`, 1, true},
		{"escaped backslash", `{"a":"\\","b":[[1]]}`, 2, false},
		{"siblings", `[[],[],[],[]]`, 2, true},
		{"unbalanced close", `]]]]{}`, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDepth([]byte(tt.data), tt.max)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrTooDeep)
			}
		})
	}
}

func TestDecodeDocument(t *testing.T) {
	v, stats, err := decodeDocument([]byte(`{"@context":{"@version":1.1,"x":{"@context":{"@version":1.1}}},"n":12345678901234567890,"list":[1.5],"o":{"p":null}}`), 1000, 10)
	require.NoError(t, err)
	assert.False(t, stats.hasImport)
	assert.Equal(t, 2, stats.nodes)
	assert.Equal(t, 1, stats.scopedTerms)
	m := v.(map[string]any)
	assert.Equal(t, 1.1, m["@context"].(map[string]any)["@version"], "numbers in contexts are float64")
	assert.Equal(t, 1.1, m["@context"].(map[string]any)["x"].(map[string]any)["@context"].(map[string]any)["@version"])
	assert.Equal(t, json.Number("12345678901234567890"), m["n"], "numbers elsewhere keep their text")
	assert.Equal(t, []any{json.Number("1.5")}, m["list"])

	assert.Equal(t, map[string]any{}, m["o"], "null members are removed")

	_, stats, err = decodeDocument([]byte(`[{"a":{"@context":[{"@import":"x"}]}}]`), 1000, 10)
	require.NoError(t, err)
	assert.True(t, stats.hasImport)

	// An escaped key is still found after decoding.
	_, stats, err = decodeDocument([]byte(`{"@context":{"\u0040import":"x"}}`), 1000, 10)
	require.NoError(t, err)
	assert.True(t, stats.hasImport)

	for _, bad := range []string{``, `nul`, `1`, `"s"`, `true`, `{}{}`, `{"a":1`, strings.Repeat("[", 5) + strings.Repeat("]", 5)} {
		_, _, err := decodeDocument([]byte(bad), 1000, 4)
		assert.Error(t, err, bad)
	}
	_, _, err = decodeDocument([]byte(`{"a":"0123456789"}`), 10, 10)
	assert.ErrorIs(t, err, ErrTooLarge)
}
