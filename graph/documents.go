package graph

import (
	"strings"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// entitySearchOptions checks an entity search and converts it to upstream
// options; page and count are set per page.
func entitySearchOptions(s model.EntitySearchInput) (cognism.EntitySearchOptions, error) {
	if err := checkListValues("search.sources", s.Sources); err != nil {
		return cognism.EntitySearchOptions{}, err
	}
	if strings.TrimSpace(s.Term) == "" {
		return cognism.EntitySearchOptions{}, inputErrorf("search.term",
			"must not be empty; pass the entity to search for, such as a company name")
	}
	opts := cognism.EntitySearchOptions{
		Term:     s.Term,
		Sources:  s.Sources,
		DateFrom: s.DateFrom.Time,
		DateTo:   s.DateTo.Time,
	}
	if s.Tag != nil {
		opts.Tag = cognism.EntityTag(*s.Tag)
	}
	if s.Aboutness != nil {
		if *s.Aboutness < 1 || *s.Aboutness > 10 {
			return opts, inputErrorf("search.aboutness", "%d is out of range; use 1 to 10", *s.Aboutness)
		}
		opts.Aboutness = *s.Aboutness
	}
	if err := checkDateRange("search", s.DateFrom.Time, s.DateTo.Time); err != nil {
		return opts, err
	}
	return opts, nil
}

// documentSearchOptions checks a keyword search and converts it to upstream
// options.
func documentSearchOptions(s model.DocumentSearchInput) (cognism.DocumentSearchOptions, error) {
	for _, l := range []struct {
		argument string
		values   []string
	}{
		{"search.keywords", s.Keywords},
		{"search.fields", s.Fields},
		{"search.exclusions", s.Exclusions},
		{"search.outputFields", s.OutputFields},
		{"search.sources", s.Sources},
		{"search.annotations", s.Annotations},
	} {
		if err := checkListValues(l.argument, l.values); err != nil {
			return cognism.DocumentSearchOptions{}, err
		}
	}
	return cognism.DocumentSearchOptions{
		Keywords:     s.Keywords,
		Fields:       s.Fields,
		Exclusions:   s.Exclusions,
		OutputFields: s.OutputFields,
		Sources:      s.Sources,
		DateFrom:     scalar.TimeOf(s.DateFrom),
		DateTo:       scalar.TimeOf(s.DateTo),
		Annotations:  s.Annotations,
	}, nil
}

// checkListValues rejects values that contain a comma, because upstream
// takes these lists comma-separated and such a value would become two.
func checkListValues(argument string, values []string) error {
	for _, v := range values {
		if strings.Contains(v, ",") {
			return inputErrorf(argument, "%.60q contains a comma, which upstream reads as a separator. "+
				"Pass each value as its own list item", v)
		}
	}
	return nil
}
