package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/cognism/graphql-gateway/graph/generated"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// CodeQueryTooLarge is the extensions.code of an operation rejected for
// expanding to more fields than Config.MaxFields.
const CodeQueryTooLarge = "QUERY_TOO_LARGE"

// sizeLimit rejects documents whose operations expand, with every fragment
// spread replaced by its fragment, to more than max fields. It runs on the
// raw parameters, before gqlgen validates the document and measures its
// complexity, as both walk the expanded selections: a few kilobytes of
// fragments that each spread the previous one twice expand to billions.
type sizeLimit struct {
	max    int
	tokens int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = sizeLimit{}

// ExtensionName names the extension in gqlgen's registry.
func (sizeLimit) ExtensionName() string { return "SizeLimit" }

// Validate accepts every schema.
func (sizeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters parses the document and rejects it when one of
// its operations expands to too many fields. Documents that do not parse
// pass, for gqlgen to report their errors.
func (l sizeLimit) MutateOperationParameters(_ context.Context, params *graphql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, l.tokens)
	if err != nil {
		return nil
	}
	walk := newFragmentWalk(doc.Fragments, l.max)
	for _, op := range doc.Operations {
		n := walk.fields(op.SelectionSet)
		if n <= l.max {
			continue
		}
		err := gqlerror.Errorf("operation expands to more than %d fields, the limit; "+
			"select fewer fields or spread fewer fragments", l.max)
		err.Extensions = map[string]any{"code": CodeQueryTooLarge}
		return err
	}
	return nil
}

// fragmentWalk measures selection sets with each fragment measured once, so
// that its cost is linear in the document however often fragments are
// spread.
type fragmentWalk struct {
	fragments ast.FragmentDefinitionList
	ceiling   int // counts stop growing above it
	count     map[string]int
	depth     map[string]int
	visiting  map[string]bool
}

func newFragmentWalk(fragments ast.FragmentDefinitionList, ceiling int) *fragmentWalk {
	return &fragmentWalk{
		fragments: fragments,
		ceiling:   ceiling,
		count:     map[string]int{},
		depth:     map[string]int{},
		visiting:  map[string]bool{},
	}
}

// fields returns how many fields set expands to, capped just above the
// ceiling. Unknown and cyclic spreads count nothing; validation rejects
// them.
func (w *fragmentWalk) fields(set ast.SelectionSet) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total += 1 + w.fields(sel.SelectionSet)
		case *ast.InlineFragment:
			total += w.fields(sel.SelectionSet)
		case *ast.FragmentSpread:
			total += w.fragment(sel.Name, w.count, w.fields)
		}
		if total > w.ceiling {
			return w.ceiling + 1
		}
	}
	return total
}

// levels returns the deepest field nesting of set, introspection fields
// not counted.
func (w *fragmentWalk) levels(set ast.SelectionSet) int {
	deepest := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if !strings.HasPrefix(sel.Name, "__") {
				deepest = max(deepest, 1+w.levels(sel.SelectionSet))
			}
		case *ast.InlineFragment:
			deepest = max(deepest, w.levels(sel.SelectionSet))
		case *ast.FragmentSpread:
			deepest = max(deepest, w.fragment(sel.Name, w.depth, w.levels))
		}
	}
	return deepest
}

// fragment returns the measure of the named fragment from memo, computing
// it with measure the first time.
func (w *fragmentWalk) fragment(name string, memo map[string]int, measure func(ast.SelectionSet) int) int {
	if n, ok := memo[name]; ok {
		return n
	}
	def := w.fragments.ForName(name)
	if def == nil || w.visiting[name] {
		return 0
	}
	w.visiting[name] = true
	n := measure(def.SelectionSet)
	delete(w.visiting, name)
	memo[name] = n
	return n
}

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
	depth := newFragmentWalk(op.Doc.Fragments, 0).levels(op.Operation.SelectionSet)
	if depth <= d.max {
		return nil
	}
	err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d", depth, d.max)
	err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
	return err
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
