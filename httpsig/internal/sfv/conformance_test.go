package sfv

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conformanceCase is one case of the httpwg structured-field-tests suite
// (testdata/structured-field-tests, BSD licensed, see its LICENSE.md).
type conformanceCase struct {
	Name       string          `json:"name"`
	Raw        []string        `json:"raw"`
	HeaderType string          `json:"header_type"`
	Expected   json.RawMessage `json:"expected"`
	MustFail   bool            `json:"must_fail"`
	CanFail    bool            `json:"can_fail"`
	Canonical  []string        `json:"canonical"`
}

func loadConformance(t *testing.T, pattern string) map[string][]conformanceCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "structured-field-tests", pattern))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string][]conformanceCase{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var cases []conformanceCase
		require.NoError(t, json.Unmarshal(data, &cases), f)
		out[filepath.Base(f)] = cases
	}
	return out
}

// parseAs parses raw as the named header type and serializes the result.
func parseAs(typ, raw string) (any, string, error) {
	switch typ {
	case "item":
		v, err := ParseItem(raw)
		if err != nil {
			return nil, "", err
		}
		s, err := SerializeItem(v)
		return v, s, err
	case "list":
		v, err := ParseList(raw)
		if err != nil {
			return nil, "", err
		}
		s, err := SerializeList(v)
		return v, s, err
	case "dictionary":
		v, err := ParseDictionary(raw)
		if err != nil {
			return nil, "", err
		}
		s, err := SerializeDictionary(v)
		return v, s, err
	}
	panic("unknown header type " + typ)
}

func TestConformanceParse(t *testing.T) {
	for file, cases := range loadConformance(t, "*.json") {
		t.Run(file, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.Name, func(t *testing.T) {
					raw := strings.Join(tc.Raw, ", ")
					got, ser, err := parseAs(tc.HeaderType, raw)
					if tc.MustFail {
						require.Error(t, err, "parsed %q as %#v", raw, got)
						return
					}
					if tc.CanFail && err != nil {
						return
					}
					require.NoError(t, err, raw)
					assert.Equal(t, normalizeExpected(t, tc.Expected), toJSONModel(got))
					want := raw
					if tc.Canonical != nil {
						want = strings.Join(tc.Canonical, ", ")
					}
					assert.Equal(t, want, ser)
				})
			}
		})
	}
}

func TestConformanceSerialize(t *testing.T) {
	for file, cases := range loadConformance(t, "serialisation-tests/*.json") {
		t.Run(file, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.Name, func(t *testing.T) {
					v, ok := fromJSONModel(t, tc.HeaderType, tc.Expected)
					if !ok {
						if tc.MustFail {
							return // not representable is a failure too
						}
						t.Skip("decimal with more than three fractional digits")
					}
					var (
						s   string
						err error
					)
					switch tc.HeaderType {
					case "item":
						s, err = SerializeItem(v.(Item))
					case "list":
						s, err = SerializeList(v.(List))
					case "dictionary":
						s, err = SerializeDictionary(v.(Dictionary))
					}
					if tc.MustFail {
						require.Error(t, err, "serialized as %q", s)
						return
					}
					require.NoError(t, err)
					assert.Equal(t, strings.Join(tc.Canonical, ", "), s)
				})
			}
		})
	}
}

// The JSON model of the suite: an item is [bare, params], an inner list is
// [[items...], params], params are [[key, bare]...], a dictionary is
// [[key, member]...]. Numbers are compared as strings of thousandths.

func normalizeExpected(t *testing.T, raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return normalizeJSON(v)
}

func normalizeJSON(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return "int:" + strconv.FormatInt(i, 10)
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		return "dec:" + strconv.FormatInt(int64(math.Round(f*1000)), 10)
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = normalizeJSON(v[i])
		}
		return out
	case map[string]any:
		switch v["__type"] {
		case "token":
			return "token:" + v["value"].(string)
		case "binary":
			b, err := base32.StdEncoding.DecodeString(v["value"].(string))
			if err != nil {
				return "bad-base32"
			}
			return "binary:" + string(b)
		}
		return v
	default:
		return v
	}
}

func toJSONModel(v any) any {
	switch v := v.(type) {
	case Item:
		return []any{bareToJSON(v.Value), paramsToJSON(v.Params)}
	case InnerList:
		items := make([]any, len(v.Items))
		for i, it := range v.Items {
			items[i] = toJSONModel(it)
		}
		return []any{items, paramsToJSON(v.Params)}
	case List:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = toJSONModel(m)
		}
		return out
	case Dictionary:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = []any{m.Key, toJSONModel(m.Value)}
		}
		return out
	}
	panic("unexpected")
}

func paramsToJSON(p Params) []any {
	out := make([]any, len(p))
	for i, kv := range p {
		out[i] = []any{kv.Key, bareToJSON(kv.Value)}
	}
	return out
}

func bareToJSON(v any) any {
	switch v := v.(type) {
	case int64:
		return "int:" + strconv.FormatInt(v, 10)
	case Decimal:
		return "dec:" + strconv.FormatInt(int64(v), 10)
	case Token:
		return "token:" + string(v)
	case []byte:
		return "binary:" + string(v)
	default:
		return v
	}
}

// fromJSONModel builds a value to serialize; ok is false when a number
// cannot be represented.
func fromJSONModel(t *testing.T, typ string, raw json.RawMessage) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	ok := true
	bare := func(x any) any {
		switch x := x.(type) {
		case json.Number:
			if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return i
			}
			f, _ := strconv.ParseFloat(string(x), 64)
			m := f * 1000
			if m != math.Trunc(m) {
				ok = false
			}
			return Decimal(int64(m))
		case map[string]any:
			if x["__type"] == "token" {
				return Token(x["value"].(string))
			}
			b, _ := base32.StdEncoding.DecodeString(x["value"].(string))
			return b
		}
		return x
	}
	params := func(x any) Params {
		var out Params
		for _, kv := range x.([]any) {
			kv := kv.([]any)
			out = append(out, Param{Key: kv[0].(string), Value: bare(kv[1])})
		}
		return out
	}
	var member func(any) Member
	member = func(x any) Member {
		pair := x.([]any)
		if items, isList := pair[0].([]any); isList {
			l := InnerList{Params: params(pair[1])}
			for _, it := range items {
				l.Items = append(l.Items, member(it).(Item))
			}
			return l
		}
		return Item{Value: bare(pair[0]), Params: params(pair[1])}
	}
	switch typ {
	case "item":
		return member(v), ok
	case "list":
		var l List
		for _, m := range v.([]any) {
			l = append(l, member(m))
		}
		return l, ok
	default:
		var d Dictionary
		for _, m := range v.([]any) {
			kv := m.([]any)
			d = append(d, DictMember{Key: kv[0].(string), Value: member(kv[1])})
		}
		return d, ok
	}
}
