package webfinger

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDependencies keeps webfinger, and the guarded client under it, free
// of go-fed/activity and json-gold, so programs that only need WebFinger
// stay small.
func TestDependencies(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.CommandContext(t.Context(), gobin, "list", "-deps", ".", "../internal/safehttp").CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/starling-fed/starling/webfinger")
	for _, d := range deps {
		assert.False(t, strings.HasPrefix(d, "github.com/go-fed/"), "imports %s", d)
		assert.False(t, strings.HasPrefix(d, "github.com/piprate/json-gold"), "imports %s", d)
	}
}
