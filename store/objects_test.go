package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

func TestTombstoneDocument(t *testing.T) {
	deleted := time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("CET", 3600))
	doc := store.TombstoneDocument("https://example.com/notes/1", "Note", deleted)
	assert.JSONEq(t, `{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id": "https://example.com/notes/1",
		"type": "Tombstone",
		"formerType": "Note",
		"deleted": "2026-03-01T11:30:00Z"
	}`, string(doc))
	require.NoError(t, store.ValidateDocument(doc))

	var m map[string]any
	require.NoError(t, json.Unmarshal(store.TombstoneDocument("https://example.com/x", "", deleted), &m))
	assert.NotContains(t, m, "formerType", "an unknown former type is left out")
}
