package vocab

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDefaultContextIsJSON(t *testing.T) {
	var v []any
	require.NoError(t, json.Unmarshal([]byte(DefaultContext), &v))
	require.Len(t, v, 3)
	require.Equal(t, ActivityStreamsContext, v[0])
	require.Equal(t, SecurityContext, v[1])
	ext, ok := v[2].(map[string]any)
	require.True(t, ok)
	require.Equal(t, NamespaceToot, ext["toot"])
	require.Equal(t, NamespaceSchema, ext["schema"])
	require.Equal(t, "as:sensitive", ext["sensitive"])
}
