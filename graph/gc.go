package graph

import (
	"runtime/debug"
	"strconv"
)

// DefaultGCPercent is the garbage collection target the gateway runs with
// when GOGC is not set. A join-heavy operation allocates megabytes while
// the gateway keeps a small live heap. At Go's default of 100 the collector
// runs during most such operations. At 200 it runs half as often, for a
// heap of up to three times the live data.
const DefaultGCPercent = 200

// SetGCPercent sets the collector's target to DefaultGCPercent unless GOGC
// chose one, which the runtime read at start. It returns the target in
// force, spelled as GOGC is.
func SetGCPercent(getenv func(string) string) string {
	if v := getenv("GOGC"); v != "" {
		return v
	}
	debug.SetGCPercent(DefaultGCPercent)
	return strconv.Itoa(DefaultGCPercent)
}
