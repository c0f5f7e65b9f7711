package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// postTransport is gqlgen's POST transport, except that it writes the data
// of an executed operation as the executor encoded it. gqlgen's own encodes
// the whole response again, which reads and copies every byte of the data
// once more: 0.7 ms of a 110 KB response in BenchmarkLargeResponse. A
// request whose body or document is rejected before execution goes to
// gqlgen's transport unchanged.
type postTransport struct {
	transport.POST
}

// Do executes the operation in the request's body and writes its response.
func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		t.POST.Do(w, r, exec)
		return
	}

	start := graphql.Now()
	var params graphql.RawParams
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	if err := decoder.Decode(&params); err != nil {
		t.POST.Do(w, r, exec)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	op, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		t.POST.Do(w, r, exec)
		return
	}

	w.Header().Set("Content-Type", responseMediaType(r.Header.Get("Accept")))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	responses, ctx := exec.DispatchOperation(ctx, op)
	writeResponse(w, responses(ctx))
}

// responseMediaType picks the media type of a response from the request's
// Accept header as gqlgen's POST transport does. The first media type in
// the header that the server sends wins, and a wildcard means
// application/json. No header at all means application/json too, and a
// header naming no type the server sends means
// application/graphql-response+json.
func responseMediaType(accept string) string {
	const (
		plainJSON   = "application/json"
		graphqlJSON = "application/graphql-response+json"
	)
	if accept == "" {
		return plainJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", plainJSON:
			return plainJSON
		case graphqlJSON:
			return graphqlJSON
		}
	}
	return graphqlJSON
}

// responseRest holds the members of a response other than its data.
type responseRest struct {
	Errors     gqlerror.List  `json:"errors,omitempty"`
	Label      string         `json:"label,omitempty"`
	Path       ast.Path       `json:"path,omitempty"`
	HasNext    *bool          `json:"hasNext,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// writeResponse writes resp as one JSON object, with the data as the
// executor encoded it and the other members encoded here.
func writeResponse(w http.ResponseWriter, resp *graphql.Response) {
	rest, err := json.Marshal(responseRest{
		Errors: resp.Errors, Label: resp.Label, Path: resp.Path,
		HasNext: resp.HasNext, Extensions: resp.Extensions,
	})
	if err != nil {
		writeCodedHTTPError(w, http.StatusInternalServerError, CodeInternal,
			"the response could not be encoded; retry, and report it if it persists")
		return
	}
	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}

	out := make([]byte, 0, len(`{"data":`)+len(data)+len(rest))
	out = append(append(out, `{"data":`...), data...)
	if len(rest) > len("{}") {
		out = append(append(out, ','), rest[1:]...)
	} else {
		out = append(out, '}')
	}
	_, _ = w.Write(out)
}
