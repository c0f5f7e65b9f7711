package queries

import (
	"slices"
	"time"
)

// Span is the start and end time of one upstream request.
type Span struct {
	Start, End time.Time
}

// Waves returns the longest chain of spans in which each started after the
// previous one ended: the upstream round trips that could not overlap.
func Waves(spans []Span) int {
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b Span) int { return a.End.Compare(b.End) })

	chain := make([]int, len(sorted))
	longest := 0
	for i, s := range sorted {
		chain[i] = 1
		for j := range i {
			if !s.Start.Before(sorted[j].End) {
				chain[i] = max(chain[i], chain[j]+1)
			}
		}
		longest = max(longest, chain[i])
	}
	return longest
}
