package pgtest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder stands in for a test and records how it was ended.
type recorder struct {
	testing.TB
	skipped, failed string
}

type ended struct{}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	panic(ended{})
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	panic(ended{})
}

// run calls f with r, stopping where Skipf or Fatalf would stop a test.
func run(r *recorder, f func(testing.TB)) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(ended); !ok {
				panic(v)
			}
		}
	}()
	f(r)
}

func TestURL(t *testing.T) {
	t.Run("unset skips", func(t *testing.T) {
		t.Setenv(EnvURL, "")
		t.Setenv(EnvRequire, "")
		r := &recorder{TB: t}
		run(r, func(tb testing.TB) { URL(tb) })
		assert.Contains(t, r.skipped, EnvURL)
		assert.Empty(t, r.failed)
	})
	t.Run("unset fails when required", func(t *testing.T) {
		t.Setenv(EnvURL, "")
		t.Setenv(EnvRequire, "1")
		r := &recorder{TB: t}
		run(r, func(tb testing.TB) { URL(tb) })
		assert.Contains(t, r.failed, EnvURL)
		assert.Empty(t, r.skipped)
	})
	t.Run("set is returned", func(t *testing.T) {
		t.Setenv(EnvURL, "postgres://db.example/test")
		assert.Equal(t, "postgres://db.example/test", URL(t))
	})
}

func TestUnreachable(t *testing.T) {
	err := errors.New("connection refused")
	t.Setenv(EnvRequire, "")
	r := &recorder{TB: t}
	run(r, func(tb testing.TB) { Unreachable(tb, err) })
	assert.Contains(t, r.skipped, "connection refused")

	t.Setenv(EnvRequire, "1")
	r = &recorder{TB: t}
	run(r, func(tb testing.TB) { Unreachable(tb, err) })
	assert.Contains(t, r.failed, "required but unreachable")
}
