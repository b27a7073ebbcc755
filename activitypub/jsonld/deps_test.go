package jsonld_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoGoFedDependency keeps go-fed/activity out of this package's build:
// its generated vocabulary costs a minute of compile time and megabytes of
// binary, and this package needs none of it.
func TestNoGoFedDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/piprate/json-gold/ld")
	for _, d := range deps {
		require.False(t, strings.HasPrefix(d, "github.com/go-fed/activity"), "depends on %s", d)
	}
}
