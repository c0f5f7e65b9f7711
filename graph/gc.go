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
// is set, in which case the runtime applied it at start, or its default of
// 100 when it could not read the value. It returns the target in force:
// a percent, or "off".
func SetGCPercent(getenv func(string) string) string {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGCPercent)
		return strconv.Itoa(DefaultGCPercent)
	}

	// The runtime offers no getter: setting a target returns the previous
	// one, which is then put back.
	inForce := debug.SetGCPercent(100)
	debug.SetGCPercent(inForce)
	if inForce < 0 {
		return "off"
	}
	return strconv.Itoa(inForce)
}
