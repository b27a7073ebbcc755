package httpsig

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDependencies keeps httpsig usable alone: it must not pull in the
// ActivityPub vocabulary or JSON-LD processing.
func TestDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/go-fed/httpsig")
	for _, d := range deps {
		assert.False(t, strings.HasPrefix(d, "github.com/go-fed/activity"), "httpsig depends on %s", d)
		assert.False(t, strings.HasPrefix(d, "github.com/piprate/json-gold"), "httpsig depends on %s", d)
	}
}
