package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/cognism/graphql-gateway/graph/generated"
	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// Codes of requests rejected before they run.
const (
	// CodeQueryTooLarge marks an operation that expands to more fields
	// than Config.MaxFields.
	CodeQueryTooLarge = "QUERY_TOO_LARGE"
	// CodeBadRequest marks a request the gateway cannot serve as sent,
	// such as a subscription over plain HTTP.
	CodeBadRequest = "BAD_REQUEST"
)

// init marks the codes of requests rejected before they run as request
// errors, so they get 400 under application/graphql-response+json, as
// validation failures do, and no data entry.
func init() {
	for _, code := range []string{
		CodeQueryTooLarge, CodeBadRequest, codeDepthLimit, codeComplexityLimit,
	} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// Codes of operations rejected for their shape. gqlgen's complexity limit
// sets the second.
const (
	codeDepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	codeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED"
)

// documentCheck rejects documents before gqlgen validates them and measures
// their complexity. Both steps walk every fragment expansion, so operations
// over maxFields fields stop here: a few kilobytes of fragments that each
// spread the previous one twice expand to billions of fields. Subscriptions
// sent as plain HTTP requests stop here too, because they would hang until
// an event arrives.
type documentCheck struct {
	maxFields int
	tokens    int
}

// MaxRepeatedName caps how often one response name (an alias, or the field
// name when there is none) may occur in one selection set, fragments
// expanded. Validation compares every pair of fields with the same name and
// reports each pair that conflicts, so 2,000 repeats cost seconds and
// gigabytes.
const MaxRepeatedName = 30

// MaxIntrospections caps the __schema and __type fields of one operation.
// Introspection escapes the complexity limit, and each copy of the schema
// under its own alias costs kilobytes, so hundreds of aliases cost
// gigabytes.
const MaxIntrospections = 5

// MaxErrors caps the errors one response carries. One more error counts
// those left out.
const MaxErrors = 50

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentCheck{}

// ExtensionName names the extension in gqlgen's registry.
func (documentCheck) ExtensionName() string { return "DocumentCheck" }

// Validate accepts every schema.
func (documentCheck) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters parses the document and rejects it when one of
// its operations expands to too many fields, or when it would run a
// subscription over plain HTTP. Documents that do not parse pass, so that
// gqlgen reports their errors.
func (c documentCheck) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, c.tokens)
	var parseErr *gqlerror.Error
	if errors.As(err, &parseErr) && strings.HasPrefix(parseErr.Message, "exceeded token limit") {
		return codedErrorf(CodeQueryTooLarge, "document exceeds the token limit of %d; "+
			"send a shorter document, with fragments for the selections it repeats", c.tokens)
	}
	if err != nil {
		return nil
	}

	walk := newFragmentWalk(doc.Fragments, c.maxFields)
	for _, op := range doc.Operations {
		if walk.fields(op.SelectionSet) > c.maxFields {
			return codedErrorf(CodeQueryTooLarge,
				"operation expands to more than %d fields, the maximum. "+
					"Select fewer fields or spread fewer fragments", c.maxFields)
		}
		walk.budget = c.maxFields
		if name, ok := walk.repeatedName([]ast.SelectionSet{op.SelectionSet}); ok {
			return codedErrorf(CodeQueryTooLarge,
				"response name %s occurs more than %d times in one selection set, the maximum. "+
					"Select each field once or under distinct aliases", truncateInput(name), MaxRepeatedName)
		}
		walk.budget = c.maxFields
		if n := walk.introspections(op.SelectionSet); n > MaxIntrospections {
			return codedErrorf(CodeQueryTooLarge,
				"operation selects __schema or __type %d times, more than %d, the maximum. "+
					"Introspect the schema once per operation", n, MaxIntrospections)
		}
	}

	op := selectedOperation(doc, params.OperationName)
	if op == nil {
		return missingOperation(doc, params.OperationName)
	}
	if err := checkVariables(op, params.Variables); err != nil {
		return err
	}
	if op.Operation == ast.Subscription && isPlainHTTPRequest(ctx) {
		return codedErrorf(CodeBadRequest, "%s", subscriptionTransportHint)
	}
	return nil
}

// subscriptionTransportHint is the message that names the transports of a
// subscription.
const subscriptionTransportHint = "subscriptions need a websocket (graphql-transport-ws protocol) " +
	"or server-sent events (POST with Accept: text/event-stream)"

// selectedOperation returns the operation that name selects in doc: the
// only one when name is empty, else nil.
func selectedOperation(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name == "" && len(doc.Operations) == 1 {
		return doc.Operations[0]
	}
	return doc.Operations.ForName(name)
}

// missingOperation explains why name selects no operation of doc, or
// returns nil for a document without operations, which gqlgen reports.
func missingOperation(doc *ast.QueryDocument, name string) *gqlerror.Error {
	if len(doc.Operations) == 0 {
		return nil
	}
	names := make([]string, 0, len(doc.Operations))
	for _, op := range doc.Operations {
		if op.Name != "" {
			names = append(names, cutName(op.Name))
		}
	}
	anonymous := len(doc.Operations) - len(names)
	if len(names) > 10 {
		names = append(names[:10], "...")
	}

	switch {
	case anonymous == 1 && len(doc.Operations) == 1:
		return codedErrorf(CodeBadRequest, "operation %s not found; the document's operation "+
			"has no name, so omit operationName to run it", truncateInput(name))
	case anonymous > 0:
		msg := fmt.Sprintf("the document has %d operations, %d of them without a name; "+
			"name each operation, then set operationName to the one to run",
			len(doc.Operations), anonymous)
		if name != "" {
			msg = fmt.Sprintf("operation %s not found; %s", truncateInput(name), msg)
		}
		return codedErrorf(CodeBadRequest, "%s", msg)
	case name == "":
		return codedErrorf(CodeBadRequest, "the document has %d operations (%s); "+
			"set operationName to the one to run", len(doc.Operations), strings.Join(names, ", "))
	}
	return codedErrorf(CodeBadRequest, "operation %s not found; the document defines %s",
		truncateInput(name), strings.Join(names, ", "))
}

// cutName cuts an operation name, which GraphQL limits to ASCII letters,
// digits and underscores, to maxEchoedInput characters.
func cutName(name string) string {
	if len(name) > maxEchoedInput {
		return name[:maxEchoedInput] + "..."
	}
	return name
}

// CodeErrorsOmitted marks the error that stands for those past MaxErrors.
const CodeErrorsOmitted = "ERRORS_OMITTED"

// capErrors keeps the first MaxErrors errors of a response and replaces the
// rest with one that counts them, so that no document makes a response grow
// with the square of its size.
func capErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) <= MaxErrors {
		return resp
	}
	omitted := len(resp.Errors) - MaxErrors
	last := codedErrorf(CodeErrorsOmitted, "%d more errors omitted", omitted)
	last.Extensions["omitted"] = omitted
	resp.Errors = append(resp.Errors[:MaxErrors:MaxErrors], last)
	return resp
}

func codedErrorf(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
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
	budget    int // fields repeatedName may still walk
}

func newFragmentWalk(fragments ast.FragmentDefinitionList, ceiling int) *fragmentWalk {
	return &fragmentWalk{
		fragments: fragments,
		ceiling:   ceiling,
		count:     map[string]int{},
		depth:     map[string]int{},
		visiting:  map[string]bool{},
		budget:    ceiling,
	}
}

// fields returns how many fields set expands to, capped just above the
// ceiling. Unknown and cyclic spreads count nothing, because validation
// rejects them.
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

// repeatedName returns a response name that occurs more than
// MaxRepeatedName times among sets, merged as validation merges them: with
// fragments expanded, and the selections of fields of one response name
// taken together one level down. It walks each expanded field once and
// gives up past the ceiling, which only cyclic fragments reach after
// fields has passed.
func (w *fragmentWalk) repeatedName(sets []ast.SelectionSet) (string, bool) {
	var names []string
	groups := map[string][]ast.SelectionSet{}
	for _, set := range sets {
		w.collect(set, func(f *ast.Field) {
			name := f.Alias
			if name == "" {
				name = f.Name
			}
			if _, seen := groups[name]; !seen {
				names = append(names, name)
			}
			groups[name] = append(groups[name], f.SelectionSet)
		})
	}
	if w.budget < 0 {
		return "", false
	}

	for _, name := range names {
		if len(groups[name]) > MaxRepeatedName {
			return name, true
		}
	}
	for _, name := range names {
		if found, ok := w.repeatedName(groups[name]); ok {
			return found, true
		}
	}
	return "", false
}

// collect calls visit for each field of set, with inline fragments and
// fragment spreads expanded, spending one unit of the budget per field.
func (w *fragmentWalk) collect(set ast.SelectionSet, visit func(*ast.Field)) {
	for _, sel := range set {
		if w.budget < 0 {
			return
		}
		switch sel := sel.(type) {
		case *ast.Field:
			w.budget--
			visit(sel)
		case *ast.InlineFragment:
			w.collect(sel.SelectionSet, visit)
		case *ast.FragmentSpread:
			def := w.fragments.ForName(sel.Name)
			if def == nil || w.visiting[sel.Name] {
				continue
			}
			w.visiting[sel.Name] = true
			w.collect(def.SelectionSet, visit)
			delete(w.visiting, sel.Name)
		}
	}
}

// introspections counts the __schema and __type fields of set, fragments
// expanded.
func (w *fragmentWalk) introspections(set ast.SelectionSet) int {
	n := 0
	w.collect(set, func(f *ast.Field) {
		if f.Name == "__schema" || f.Name == "__type" {
			n++
		}
	})
	return n
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
	err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d. "+
		"Select fewer nested levels, or fetch the deeper ones in a second operation", depth, d.max)
	err.Extensions = map[string]any{"code": codeDepthLimit}
	return err
}

// complexityLimit is gqlgen's complexity limit with advice in its error.
type complexityLimit struct {
	*extension.ComplexityLimit
}

// MutateOperationContext rejects an operation over the limit and explains how
// to shrink it.
func (c complexityLimit) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	err := c.ComplexityLimit.MutateOperationContext(ctx, op)
	if err != nil {
		err.Message += "; a list counts its fields once per item it may return, " +
			"so request fewer items with a smaller first, or nest fewer lists"
	}
	return err
}

// times returns the complexity of a list of n items of child complexity,
// with n from first or its schema default. A first above MaxPageSize
// counts as MaxPageSize, so that the resolver rejects it with the range to
// use rather than the complexity limit rejecting the whole operation.
func times(child int, first *int, def int) int {
	n := def
	if first != nil && *first > 0 {
		n = min(*first, MaxPageSize)
	}
	return 1 + child*n
}

// Assumed sizes of lists without a first argument, by which the complexity
// limit multiplies their children's cost. The upstream sets their real
// size: people at IBM, for one, are several hundred.
const (
	// UnpagedListSize is the assumed size of a root list of companies,
	// people or documents.
	UnpagedListSize = 100
	// JoinedListSize is the assumed size of a list inside one item whose
	// entries join another object, such as a document's organisations.
	JoinedListSize = 10
)

// setComplexity makes list fields count their children once per item they
// may return, so a nested page of pages costs what it fetches.
func setComplexity(c *generated.ComplexityRoot) {
	c.Query.People = func(child int, _, _, _ *string) int {
		return times(child, nil, UnpagedListSize)
	}
	c.Query.Companies = func(child int, _ string) int {
		return times(child, nil, UnpagedListSize)
	}
	c.DocumentSearch.Documents = func(child int) int {
		return times(child, nil, UnpagedListSize)
	}
	c.Document.Organizations = func(child int) int {
		return times(child, nil, JoinedListSize)
	}
	c.Document.Quotations = func(child int) int {
		return times(child, nil, JoinedListSize)
	}
	c.Person.Experience = func(child int) int {
		return times(child, nil, JoinedListSize)
	}
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
