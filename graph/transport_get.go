package graph

import (
	"net/http"
	"net/url"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// getTransport is gqlgen's GET transport responding 405 Method Not Allowed
// with Allow: POST to a mutation or subscription, as the GraphQL-over-HTTP
// spec requires; gqlgen's own responds 406.
type getTransport struct {
	transport.GET
}

// Do rejects operations other than queries, then serves the request with
// the GET transport.
func (t getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err == nil && !isQueryOperation(values.Get("query"), values.Get("operationName")) {
		w.Header().Set("Allow", http.MethodPost)
		writeHTTPError(w, http.StatusMethodNotAllowed,
			"GET requests can only run queries; send mutations and subscriptions with POST")
		return
	}
	t.GET.Do(w, r, exec)
}

// isQueryOperation reports whether the operation a GET request would run is
// a query. Documents that do not parse, or name no such operation, count as
// queries, so that the GET transport reports their errors.
func isQueryOperation(query, operationName string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return true
	}
	op := doc.Operations.ForName(operationName)
	if operationName == "" && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	return op == nil || op.Operation == ast.Query
}
