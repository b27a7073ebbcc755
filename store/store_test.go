package store_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStdlibOnly asserts that package store imports nothing outside the
// standard library, so that every backend and every host can depend on it
// for free.
func TestStdlibOnly(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.Command(gotool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	require.NoError(t, err)
	var nonStd []string
	for _, p := range strings.Fields(string(out)) {
		if p != "github.com/starling-fed/starling/store" {
			nonStd = append(nonStd, p)
		}
	}
	require.Empty(t, nonStd, "package store must import only the standard library")
}
