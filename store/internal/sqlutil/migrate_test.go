package sqlutil

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadMigrations(t *testing.T) {
	good := fstest.MapFS{
		"m/0002_more.sql":  {Data: []byte("two")},
		"m/0001_init.sql":  {Data: []byte("one")},
		"m/README.md":      {Data: []byte("ignored")},
		"m/sub/0003_x.sql": {Data: []byte("ignored: in a subdirectory")},
	}
	ms, err := LoadMigrations(good, "m")
	require.NoError(t, err)
	assert.Equal(t, []Migration{{1, "init", "one"}, {2, "more", "two"}}, ms)

	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"duplicate": {"m/0001_a.sql": {}, "m/1_b.sql": {}},
		"no name":   {"m/0001.sql": {}},
		"zero":      {"m/0000_a.sql": {}},
		"not a num": {"m/one_a.sql": {}},
		"empty":     {"m/x.txt": {}},
		"no dir":    {},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadMigrations(fsys, "m")
			assert.ErrorIs(t, err, ErrBadMigrations)
		})
	}
}

func TestPending(t *testing.T) {
	ms := []Migration{{1, "a", ""}, {2, "b", ""}, {3, "c", ""}}
	for _, c := range []struct {
		applied int
		want    int
	}{{0, 3}, {1, 2}, {3, 0}} {
		p, err := Pending(ms, c.applied)
		require.NoError(t, err)
		assert.Len(t, p, c.want)
		if c.want > 0 {
			assert.Equal(t, c.applied+1, p[0].Version)
		}
	}
	_, err := Pending(ms, 4)
	var tooNew *SchemaTooNewError
	require.ErrorAs(t, err, &tooNew)
	assert.Equal(t, SchemaTooNewError{Applied: 4, Known: 3}, *tooNew)
	assert.Contains(t, err.Error(), "newer")
}
