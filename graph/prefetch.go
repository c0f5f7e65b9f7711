package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/cognism/graphql-gateway/graph/loader"
	"github.com/cognism/graphql-gateway/graph/model"
)

// selects reports whether the selection of the field resolving in ctx
// reaches the field path, such as "documents", "quotations", "speaker".
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	return selectsFrom(graphql.GetOperationContext(ctx), fc.Field.Selections, path)
}

func selectsFrom(op *graphql.OperationContext, set ast.SelectionSet, path []string) bool {
	if len(path) == 0 {
		return true
	}
	for _, f := range graphql.CollectFields(op, set, nil) {
		if f.Name == path[0] && selectsFrom(op, f.Selections, path[1:]) {
			return true
		}
	}
	return false
}

// prefetchDocumentJoins starts the company and person calls that the
// selection under a document search makes, as soon as the documents are
// known, and returns once they are sent.
func (r *Resolver) prefetchDocumentJoins(ctx context.Context, docs []model.Document) {
	orgs := selects(ctx, "documents", "organizations")
	speakers := selects(ctx, "documents", "quotations", "speaker")
	quoted := selects(ctx, "documents", "quotations", "organization")
	if !orgs && !speakers && !quoted {
		return
	}

	var names []string
	var people []loader.PersonKey
	for i := range docs {
		if orgs {
			for _, name := range organizationNames(docs[i].Entities) {
				names = append(names, strings.TrimSpace(name))
			}
		}
		for _, q := range docs[i].Quotations {
			if quoted {
				names = append(names, strings.TrimSpace(deref(q.SpeakerOrganization)))
			}
			if !speakers {
				continue
			}
			if key, ok := personKey(deref(q.SpeakerName), "", "", deref(q.SpeakerOrganization)); ok {
				people = append(people, key)
			}
		}
	}
	r.loaders(ctx).Prefetch(ctx, names, people)
}
