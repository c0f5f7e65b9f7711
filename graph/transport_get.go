package graph

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// getTransport is gqlgen's GET transport, changed to respond 405 Method Not
// Allowed with Allow: POST to a mutation or subscription, because the
// GraphQL-over-HTTP spec requires it. gqlgen's own responds 406. Like
// postTransport, it writes the data of an executed query as the executor
// encoded it.
type getTransport struct {
	transport.GET
	logger *slog.Logger
}

// Do rejects operations other than queries, then serves the request with
// the GET transport.
func (t getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		t.GET.Do(w, r, exec)
		return
	}
	if values.Get("query") == "" {
		writeCodedHTTPError(w, http.StatusBadRequest, CodeBadRequest,
			"missing query parameter: pass the operation as ?query={...}, "+
				"or POST a JSON body such as {\"query\": \"{ __typename }\"}")
		return
	}

	for _, param := range []struct{ name, example string }{
		{"variables", `{"name":"IBM"}`},
		{"extensions", `{"tracing":true}`},
	} {
		if raw := values.Get(param.name); raw != "" && !isJSONObject(raw) {
			writeCodedHTTPError(w, http.StatusBadRequest, CodeBadRequest, fmt.Sprintf(
				"%s parameter is not a JSON object: pass it URL-encoded, such as %s=%s",
				param.name, param.name, url.QueryEscape(param.example)))
			return
		}
	}

	switch operationType(values.Get("query"), values.Get("operationName")) {
	case ast.Mutation:
		w.Header().Set("Allow", http.MethodPost)
		writeCodedHTTPError(w, http.StatusMethodNotAllowed, CodeBadRequest,
			"GET requests can only run queries. Send mutations with POST")
		return
	case ast.Subscription:
		w.Header().Set("Allow", http.MethodPost)
		writeCodedHTTPError(w, http.StatusMethodNotAllowed, CodeBadRequest,
			"GET requests can only run queries. "+strings.ToUpper(subscriptionTransportHint[:1])+
				subscriptionTransportHint[1:])
		return
	}
	t.execute(w, r, values, exec)
}

// execute runs the query of a GET request and writes its response. A
// request whose variables or extensions do not decode, or whose operation
// is not a query, goes to gqlgen's GET transport, which reports why.
func (t getTransport) execute(
	w http.ResponseWriter,
	r *http.Request,
	values url.Values,
	exec graphql.GraphExecutor,
) {
	params := &graphql.RawParams{
		Query:         values.Get("query"),
		OperationName: values.Get("operationName"),
		Headers:       r.Header,
	}
	params.ReadTime.Start = graphql.Now()
	for _, p := range []struct {
		name string
		into *map[string]any
	}{{"variables", &params.Variables}, {"extensions", &params.Extensions}} {
		raw := values.Get(p.name)
		if raw == "" {
			continue
		}
		decoder := json.NewDecoder(strings.NewReader(raw))
		decoder.UseNumber()
		if err := decoder.Decode(p.into); err != nil {
			t.GET.Do(w, r, exec)
			return
		}
	}
	params.ReadTime.End = graphql.Now()

	serveOperation(w, r, exec, params, t.logger, func(op *graphql.OperationContext) bool {
		if op.Operation != nil && op.Operation.Operation == ast.Query {
			return false
		}
		t.GET.Do(w, r, exec)
		return true
	})
}

// isJSONObject reports whether raw is one JSON object, or null.
func isJSONObject(raw string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(raw), &v) == nil
}

// operationType returns the type of the operation a GET request would run.
// Documents that do not parse, or name no such operation, count as queries,
// so that the GET transport reports their errors.
func operationType(query, operationName string) ast.Operation {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, DefaultParserTokens)
	if err != nil {
		return ast.Query
	}
	op := selectedOperation(doc, operationName)
	if op == nil {
		return ast.Query
	}
	return op.Operation
}
