package graph_test

import (
	"runtime/debug"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

func TestGCPercentDefaultsWithoutGOGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	got := graph.SetGCPercent(func(string) string { return "" })

	if got != "200" {
		t.Errorf("SetGCPercent returned %q, want 200", got)
	}
	if inForce := debug.SetGCPercent(100); inForce != graph.DefaultGCPercent {
		t.Errorf("the collector's target is %d, want %d", inForce, graph.DefaultGCPercent)
	}
}

func TestGCPercentKeepsGOGC(t *testing.T) {
	before := debug.SetGCPercent(150)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	got := graph.SetGCPercent(func(name string) string {
		if name == "GOGC" {
			return "150"
		}
		return ""
	})

	if got != "150" {
		t.Errorf("SetGCPercent returned %q, want GOGC's 150", got)
	}
	if inForce := debug.SetGCPercent(150); inForce != 150 {
		t.Errorf("the collector's target is %d, want GOGC's 150 kept", inForce)
	}
}

func TestGCPercentReportsTargetInForce(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	// The runtime falls back to 100 for a GOGC it cannot read.
	got := graph.SetGCPercent(func(string) string { return "abc" })

	if got != "100" {
		t.Errorf("SetGCPercent with an unreadable GOGC returned %q, want the 100 in force", got)
	}
}

func TestGCPercentReportsOff(t *testing.T) {
	before := debug.SetGCPercent(-1)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	got := graph.SetGCPercent(func(string) string { return "off" })

	if got != "off" {
		t.Errorf("SetGCPercent with collection off returned %q, want off", got)
	}
}
