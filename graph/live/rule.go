package live

import (
	"slices"
	"strings"

	"github.com/cognism/graphql-gateway/cognism"
)

// CanonicalRule returns rule with the same meaning in one fixed form, so that
// filters that match the same events share one upstream socket. Every
// clause must hold and any alternative may match, so both are sorted and
// duplicates removed. Literal values are lower-cased because the rule
// language matches them case-insensitively. Clauses are never merged,
// because type=a;type=b requires both.
func CanonicalRule(rule cognism.Rule) cognism.Rule {
	out := make(cognism.Rule, 0, len(rule))
	for _, clause := range rule {
		out = append(out, canonicalClause(clause))
	}
	slices.SortStableFunc(out, func(a, b cognism.Clause) int {
		return strings.Compare(cognism.Rule{a}.String(), cognism.Rule{b}.String())
	})
	return slices.CompactFunc(out, func(a, b cognism.Clause) bool {
		return cognism.Rule{a}.String() == cognism.Rule{b}.String()
	})
}

func canonicalClause(clause cognism.Clause) cognism.Clause {
	alternatives := make([]cognism.Alternative, 0, len(clause.Alternatives))
	for _, alt := range clause.Alternatives {
		if alt.ValueList == "" {
			alt.Value = strings.ToLower(alt.Value)
		}
		alternatives = append(alternatives, alt)
	}
	slices.SortFunc(alternatives, compareAlternatives)
	alternatives = slices.Compact(alternatives)
	return cognism.Clause{Field: clause.Field, Alternatives: alternatives}
}

func compareAlternatives(a, b cognism.Alternative) int {
	if c := strings.Compare(a.ValueList, b.ValueList); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}
