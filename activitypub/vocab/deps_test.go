package vocab_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStdlibOnly checks that the package depends on the standard library
// alone: neither go-fed/activity nor json-gold, nor any other module.
func TestStdlibOnly(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	require.NoError(t, err)
	for _, dep := range strings.Fields(string(out)) {
		require.NotContains(t, dep, "go-fed/activity")
		require.NotContains(t, dep, "json-gold")
		require.Equal(t, "github.com/starling-fed/starling/activitypub/vocab", dep, "non-standard dependency")
	}
}
