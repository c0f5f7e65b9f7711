package graph

import (
	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// entitySearchOptions checks an entity search and converts it to upstream
// options; page and count are set per page.
func entitySearchOptions(s model.EntitySearchInput) (cognism.EntitySearchOptions, error) {
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
	if s.DateTo.Before(s.DateFrom.Time) {
		return opts, inputErrorf("search.dateTo", "must not be before search.dateFrom")
	}
	return opts, nil
}

func documentSearchOptions(s model.DocumentSearchInput) cognism.DocumentSearchOptions {
	return cognism.DocumentSearchOptions{
		Keywords:     s.Keywords,
		Fields:       s.Fields,
		Exclusions:   s.Exclusions,
		OutputFields: s.OutputFields,
		Sources:      s.Sources,
		DateFrom:     scalar.TimeOf(s.DateFrom),
		DateTo:       scalar.TimeOf(s.DateTo),
		Annotations:  s.Annotations,
	}
}
