//go:build race

package sqlite_test

// raceEnabled reports whether the race detector is on.
const raceEnabled = true
