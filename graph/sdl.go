package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/cognism/graphql-gateway/graph/generated"
)

// SDL returns the gateway's schema in the GraphQL schema definition
// language, descriptions included.
func SDL() string {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(schema)
	return b.String()
}
