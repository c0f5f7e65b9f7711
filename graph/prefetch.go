package graph

import (
	"context"
	"slices"
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

// connectionNodes are the paths from a connection to its items.
var connectionNodes = [][]string{{"nodes"}, {"edges", "node"}}

// selectsAny reports whether the selection reaches field below any of the
// paths.
func selectsAny(ctx context.Context, paths [][]string, field string) bool {
	for _, p := range paths {
		if selects(ctx, append(slices.Clone(p), field)...) {
			return true
		}
	}
	return false
}

// prefetchEventJoins starts the company and person calls that the
// selection of events below paths makes first, and returns once they are
// sent. A person is searched at the event's first organisation, or at all
// of them and by name alone after a job-leave event. Further searches
// depend on the results of those, so they are left to the resolver.
func (r *Resolver) prefetchEventJoins(ctx context.Context, events []model.Event, paths [][]string) {
	company := selectsAny(ctx, paths, "company")
	previous := selectsAny(ctx, paths, "previousCompany")
	person := selectsAny(ctx, paths, "person")
	if !company && !previous && !person {
		return
	}

	var names []string
	var people []loader.PersonKey
	for i := range events {
		ev := &events[i]
		if company {
			names = append(names, strings.TrimSpace(deref(ev.Organization)))
		}
		if previous {
			names = append(names, strings.TrimSpace(deref(ev.PreviousOrganization)))
		}
		if person {
			people = append(people, firstPersonKeys(ev)...)
		}
	}
	r.loaders(ctx).Prefetch(ctx, names, people)
}

// firstPersonKeys returns the person searches that Event.person makes
// before any search has returned.
func firstPersonKeys(ev *model.Event) []loader.PersonKey {
	e := ev.Employee
	if e == nil {
		return nil
	}
	name, first, last := deref(e.Name), deref(e.FirstName), deref(e.LastName)
	orgs := employeeOrganizations(ev)
	if ev.Type != jobLeaveType && len(orgs) > 0 {
		orgs = orgs[:1]
	}
	if ev.Type == jobLeaveType || len(orgs) == 0 {
		orgs = append(orgs, "")
	}

	var keys []loader.PersonKey
	for _, org := range orgs {
		if key, ok := personKey(name, first, last, org); ok {
			keys = append(keys, key)
		}
	}
	return keys
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
