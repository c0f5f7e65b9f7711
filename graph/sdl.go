package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/cognism/graphql-gateway/graph/generated"
)

// SDL returns the gateway's schema in the GraphQL schema definition
// language, descriptions included, with a blank line between definitions.
func SDL() string {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(schema)
	return separateDefinitions(b.String())
}

// separateDefinitions puts a blank line before each top-level definition
// or its description, which the formatter writes back to back.
func separateDefinitions(sdl string) string {
	lines := strings.Split(sdl, "\n")
	out := make([]string, 0, len(lines)+len(lines)/4)
	inDescription := false
	for i, line := range lines {
		topLevel := line != "" && line[0] != ' ' && line[0] != '}'
		if topLevel && !inDescription && i > 0 && out[len(out)-1] != "" && out[len(out)-1] != `"""` {
			out = append(out, "")
		}
		if line == `"""` {
			inDescription = !inDescription
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
