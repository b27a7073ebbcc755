package nodeinfo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// schema is the subset of JSON Schema draft-04 the NodeInfo schemas use:
// type, enum, required, properties, additionalProperties (boolean),
// items, minItems, minimum, pattern and minProperties.
type schema struct {
	Type                 string             `json:"type"`
	Enum                 []any              `json:"enum"`
	Required             []string           `json:"required"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	MinItems             *int               `json:"minItems"`
	Minimum              *float64           `json:"minimum"`
	Pattern              string             `json:"pattern"`
	MinProperties        *int               `json:"minProperties"`
}

func loadSchema(t testing.TB, version string) *schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "schema-"+version+".json"))
	require.NoError(t, err)
	var s schema
	require.NoError(t, json.Unmarshal(data, &s))
	return &s
}

// check validates a decoded JSON value against s and returns every
// violation, each with its JSON path.
func (s *schema) check(path string, v any) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		fail("%v not in enum", v)
	}
	switch s.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			fail("not an object")
			return errs
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				fail("missing required %q", r)
			}
		}
		if s.MinProperties != nil && len(obj) < *s.MinProperties {
			fail("fewer than %d properties", *s.MinProperties)
		}
		for k, val := range obj {
			if sub, ok := s.Properties[k]; ok {
				errs = append(errs, sub.check(path+"."+k, val)...)
			} else if s.AdditionalProperties != nil && !*s.AdditionalProperties {
				fail("unexpected property %q", k)
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			fail("not an array")
			return errs
		}
		if s.MinItems != nil && len(arr) < *s.MinItems {
			fail("fewer than %d items", *s.MinItems)
		}
		if s.Items != nil {
			for i, item := range arr {
				errs = append(errs, s.Items.check(fmt.Sprintf("%s[%d]", path, i), item)...)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("not a string")
			return errs
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(str) {
			fail("%q does not match %s", str, s.Pattern)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("not a boolean")
		}
	case "integer":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			fail("not an integer")
			return errs
		}
		if s.Minimum != nil && n < *s.Minimum {
			fail("%v below minimum %v", n, *s.Minimum)
		}
	}
	return errs
}

// checkJSON validates raw JSON against the schema of version.
func checkJSON(t testing.TB, version string, data []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return []string{err.Error()}
	}
	return loadSchema(t, version).check("$", v)
}

func TestSchemaCheckerAcceptsSpecExamples(t *testing.T) {
	for _, v := range []string{Version20, Version21} {
		data, err := os.ReadFile(filepath.Join("testdata", "example-"+v+".json"))
		require.NoError(t, err)
		require.Empty(t, checkJSON(t, v, data), v)
	}
	// The checker is not vacuous.
	require.NotEmpty(t, checkJSON(t, Version20, []byte(`{"version":"2.0","software":{"name":"X","version":"1","homepage":"h"},"protocols":[],"services":{"inbound":["nope"]},"openRegistrations":"yes","usage":{"users":{"total":-1}},"metadata":{},"extra":1}`)))
}
