package jsonld_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/jsonld"
)

// TestCanonicalizeMatchesReferenceImplementation compares Canonicalize with
// the N-Quads jsonld.js produced for the same documents and contexts (see
// testdata/canon/README.md).
func TestCanonicalizeMatchesReferenceImplementation(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join("testdata", "canon", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	p := &jsonld.Processor{}
	for _, path := range docs {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			doc, err := os.ReadFile(path)
			require.NoError(t, err)
			want, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".nq")
			require.NoError(t, err)
			got, err := p.Canonicalize(context.Background(), doc)
			require.NoError(t, err)
			assert.Equal(t, string(want), got)
		})
	}
}

// TestExpandMatchesReferenceImplementation compares Expand with jsonld.js's
// expansion of the same documents (numbers compared by value).
func TestExpandMatchesReferenceImplementation(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join("testdata", "canon", "*.json"))
	require.NoError(t, err)
	p := &jsonld.Processor{}
	for _, path := range docs {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			doc, err := os.ReadFile(path)
			require.NoError(t, err)
			wantJSON, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".expanded")
			require.NoError(t, err)
			got, err := p.Expand(context.Background(), doc)
			require.NoError(t, err)
			gotJSON, err := json.Marshal(got)
			require.NoError(t, err)
			var want, have any
			require.NoError(t, json.Unmarshal(wantJSON, &want))
			require.NoError(t, json.Unmarshal(gotJSON, &have))
			assert.Equal(t, want, have)
		})
	}
}
