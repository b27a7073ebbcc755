package gofed_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnlyGofedImportsGoFed checks that no other package of the module
// imports go-fed/activity directly, and that vocab does not even depend on
// it (nor on json-gold). The exceptions are the yardsticks Starling is
// measured against: internal/gofedpub, the go-fed pub server of the inbox
// benchmarks, and examples/internal/gofedmin, the minimal go-fed program
// whose build time and binary size the examples compare with.
func TestOnlyGofedImportsGoFed(t *testing.T) {
	allowed := map[string]bool{
		"github.com/starling-fed/starling/activitypub/gofed":             true,
		"github.com/starling-fed/starling/activitypub/internal/gofedpub": true,
		"github.com/starling-fed/starling/examples/internal/gofedmin":    true,
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	// -e: a package mid-edit elsewhere in the module must not fail this test.
	out, err := exec.Command(goTool, "list", "-e", "-f", "{{.ImportPath}} {{join .Imports \" \"}}",
		"github.com/starling-fed/starling/...").Output()
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || allowed[fields[0]] {
			continue
		}
		for _, imp := range fields[1:] {
			assert.False(t, strings.HasPrefix(imp, "github.com/go-fed/activity"), "%s imports %s", fields[0], imp)
		}
	}
	out, err = exec.Command(goTool, "list", "-deps", "github.com/starling-fed/starling/activitypub/vocab").Output()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "go-fed/activity")
	assert.NotContains(t, string(out), "json-gold")
}
