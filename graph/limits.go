package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cognism/graphql-gateway/graph/generated"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// depthLimit rejects operations whose selections nest deeper than max.
// Introspection fields are not counted, so GraphiQL's schema query passes.
type depthLimit struct {
	max int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

// ExtensionName names the extension in gqlgen's registry.
func (depthLimit) ExtensionName() string { return "DepthLimit" }

// Validate accepts every schema.
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the operation and rejects it when too
// deep.
func (d depthLimit) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	depth := selectionDepth(op.Operation.SelectionSet, op.Doc.Fragments, map[string]bool{})
	if depth <= d.max {
		return nil
	}
	err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d", depth, d.max)
	err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
	return err
}

// selectionDepth returns the deepest field nesting of set. visiting guards
// against fragment cycles, which validation rejects anyway.
func selectionDepth(set ast.SelectionSet, fragments ast.FragmentDefinitionList, visiting map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		var depth int
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue
			}
			depth = 1 + selectionDepth(sel.SelectionSet, fragments, visiting)
		case *ast.InlineFragment:
			depth = selectionDepth(sel.SelectionSet, fragments, visiting)
		case *ast.FragmentSpread:
			def := fragments.ForName(sel.Name)
			if def == nil || visiting[sel.Name] {
				continue
			}
			visiting[sel.Name] = true
			depth = selectionDepth(def.SelectionSet, fragments, visiting)
			delete(visiting, sel.Name)
		}
		deepest = max(deepest, depth)
	}
	return deepest
}

// times returns the complexity of a list of n items of child complexity,
// with n from first or its schema default.
func times(child int, first *int, def int) int {
	n := def
	if first != nil && *first > 0 {
		n = *first
	}
	return 1 + child*n
}

// setComplexity makes list fields count their children once per item they
// may return, so a nested page of pages costs what it fetches.
func setComplexity(c *generated.ComplexityRoot) {
	c.Query.Events = func(child int, _ *model.EventFilter, first *int, _ *string) int {
		return times(child, first, 50)
	}
	c.Query.SearchEvents = func(child int, _ model.EventSearchInput, first *int, _ *string) int {
		return times(child, first, 50)
	}
	c.Query.DocumentsByEntity = func(child int, _ model.EntitySearchInput, first *int, _ *string) int {
		return times(child, first, 20)
	}
	c.Company.People = func(child int, first *int) int {
		return times(child, first, 20)
	}
	c.Company.Events = func(child int, _ *model.EventFilter, first *int, _ *string) int {
		return times(child, first, 20)
	}
	c.Company.News = func(child int, first *int, _ *string, _ *int, _ []string, _, _ *scalar.Date) int {
		return times(child, first, 10)
	}
	c.Person.Events = func(child int, first *int) int {
		return times(child, first, 20)
	}
	c.TriggerSubscription.RecentEvents = func(child int, first *int) int {
		return times(child, first, 20)
	}
}
