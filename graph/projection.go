package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cognism/graphql-gateway/cognism"
)

// documentFieldSources maps each field of Document to the upstream
// document field it is read from. __typename reads none.
var documentFieldSources = map[string]string{
	"id":            "uid",
	"externalId":    "eid",
	"headline":      "headline",
	"subHeadline":   "subHeadline",
	"abstract":      "abstract",
	"url":           "url",
	"date":          "date",
	"author":        "author",
	"source":        "source",
	"annotations":   "annotations",
	"photos":        "photos",
	"videos":        "videos",
	"entities":      "entities",
	"quotations":    "quotations",
	"organizations": "entities",
	"__typename":    "",
}

// selectedOutputFields returns the upstream document fields that the
// selection of the keyword search resolving in ctx reads, so that upstream
// sends only those: a search for quotations need not carry every abstract.
// The uid is always among them. It returns nil, for all fields, when the
// selection reads them all, names a field it cannot map, or selects the
// query echo's outputFields, which must show what the caller sent.
func selectedOutputFields(ctx context.Context) []string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	op := graphql.GetOperationContext(ctx)
	if selectsFrom(op, fc.Field.Selections, []string{"query", "outputFields"}) {
		return nil
	}

	needed := map[string]bool{"uid": true}
	for _, list := range graphql.CollectFields(op, fc.Field.Selections, nil) {
		if list.Name != "documents" {
			continue
		}
		for _, f := range graphql.CollectFields(op, list.Selections, []string{"Document"}) {
			source, known := documentFieldSources[f.Name]
			if !known {
				return nil
			}
			if source != "" {
				needed[source] = true
			}
		}
	}
	if len(needed) == len(cognism.DocumentOutputFields) {
		return nil
	}

	out := make([]string, 0, len(needed))
	for _, name := range cognism.DocumentOutputFields {
		if needed[name] {
			out = append(out, name)
		}
	}
	return out
}
