package starling_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// goBlock matches a fenced Go code block of a Markdown file.
var goBlock = regexp.MustCompile("(?ms)^```go\n(.*?)^```")

// TestREADMECompiles builds every Go code block of README.md as a program
// of this module, so the quick start cannot drift from the API. Each block
// must be a whole file (package clause and imports included).
func TestREADMECompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := goBlock.FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks, "README.md has no ```go block")

	root, err := os.Getwd() // the module root: this file's directory
	require.NoError(t, err)
	for i, m := range blocks {
		t.Run("block"+strconv.Itoa(i+1), func(t *testing.T) {
			// The block is laid over a directory that does not exist in the
			// module, so it builds against this checkout without touching it.
			tmp := t.TempDir()
			src := filepath.Join(tmp, "main.go")
			require.NoError(t, os.WriteFile(src, m[1], 0o600))
			pkgDir := filepath.Join(root, "internal", "readmeblock"+strconv.Itoa(i+1))
			overlay, err := json.Marshal(map[string]map[string]string{
				"Replace": {filepath.Join(pkgDir, "main.go"): src},
			})
			require.NoError(t, err)
			overlayFile := filepath.Join(tmp, "overlay.json")
			require.NoError(t, os.WriteFile(overlayFile, overlay, 0o600))

			cmd := exec.Command(goTool, "build", "-overlay", overlayFile, "-o", filepath.Join(tmp, "prog"), "./internal/readmeblock"+strconv.Itoa(i+1))
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "README.md's Go block %d does not build:\n%s\n--- block ---\n%s", i+1, out, m[1])
		})
	}
}
