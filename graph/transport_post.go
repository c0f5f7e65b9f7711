package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// postTransport is gqlgen's POST transport, except that it writes the data
// of an executed operation as the executor encoded it. gqlgen's own encodes
// the whole response again, which reads and copies every byte of the data
// once more: 0.7 ms of a 110 KB response in BenchmarkLargeResponse. A
// body that does not decode goes to gqlgen's transport, which reports why.
type postTransport struct {
	transport.POST
	logger *slog.Logger
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
	serveOperation(w, r, exec, &params, t.logger, nil)
}

// serveOperation validates the operation of params, runs it and writes its
// response. A document that fails validation gets its errors with the
// status gqlgen's transports give it. A fallback, when set, receives the
// validated operation first and reports true when it served the request
// itself.
func serveOperation(
	w http.ResponseWriter,
	r *http.Request,
	exec graphql.GraphExecutor,
	params *graphql.RawParams,
	logger *slog.Logger,
	fallback func(*graphql.OperationContext) bool,
) {
	ctx := r.Context()
	mediaType := responseMediaType(r.Header.Get("Accept"))
	op, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		w.Header().Set("Content-Type", mediaType)
		w.WriteHeader(rejectedStatus(errs, mediaType))
		writeEncoded(w, exec.DispatchError(graphql.WithOperationContext(ctx, op), errs), logger)
		return
	}
	if fallback != nil && fallback(op) {
		return
	}

	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	responses, ctx := exec.DispatchOperation(ctx, op)
	resp := responses(ctx)
	if resp == nil {
		// The executor has no response when the request's context ended
		// before the operation ran, and gqlgen's transports write null.
		_, _ = w.Write([]byte("null"))
		return
	}
	writeResponse(w, resp, logger)
}

// rejectedStatus is the status gqlgen's transports send with errors found
// before execution: 422 for a document that failed to parse or validate
// (400 in application/graphql-response+json), and 200 for other errors.
func rejectedStatus(errs gqlerror.List, mediaType string) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if mediaType == graphqlResponseJSON {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// writeEncoded writes resp encoded whole, as gqlgen's transports do.
func writeEncoded(w http.ResponseWriter, resp *graphql.Response, logger *slog.Logger) {
	body, err := json.Marshal(resp)
	if err != nil {
		logger.Error("encoding a GraphQL response failed", "error", err)
		writeCodedHTTPError(w, http.StatusInternalServerError, CodeInternal,
			"the response could not be encoded; retry, and report it if it persists")
		return
	}
	_, _ = w.Write(body)
}

// Media types of a response.
const (
	plainJSON           = "application/json"
	graphqlResponseJSON = "application/graphql-response+json"
)

// responseMediaType picks the media type of a response from the request's
// Accept header as gqlgen's POST transport does. The first media type in
// the header that the server sends wins, and a wildcard means
// application/json. No header at all means application/json too, and a
// header naming no type the server sends means
// application/graphql-response+json.
func responseMediaType(accept string) string {
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
		case graphqlResponseJSON:
			return graphqlResponseJSON
		}
	}
	return graphqlResponseJSON
}

// responseRest holds the members of a response after its errors and data.
type responseRest struct {
	Label      string         `json:"label,omitempty"`
	Path       ast.Path       `json:"path,omitempty"`
	HasNext    *bool          `json:"hasNext,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// writeResponse writes resp as one JSON object, with the data as the
// executor encoded it and the other members encoded here. The errors come
// first, as gqlgen and the GraphQL spec order them, so a reader sees them
// before the data.
func writeResponse(w http.ResponseWriter, resp *graphql.Response, logger *slog.Logger) {
	var errs []byte
	if len(resp.Errors) > 0 {
		var err error
		if errs, err = json.Marshal(resp.Errors); err != nil {
			writeEncoded(w, resp, logger)
			return
		}
	}
	rest, err := json.Marshal(responseRest{
		Label: resp.Label, Path: resp.Path, HasNext: resp.HasNext, Extensions: resp.Extensions,
	})
	if err != nil {
		writeEncoded(w, resp, logger)
		return
	}
	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}

	out := make([]byte, 0, len(`{"errors":,"data":}`)+len(errs)+len(data)+len(rest))
	out = append(out, '{')
	if errs != nil {
		out = append(append(out, `"errors":`...), errs...)
		out = append(out, ',')
	}
	out = append(append(out, `"data":`...), data...)
	if len(rest) > len("{}") {
		out = append(append(out, ','), rest[1:]...)
	} else {
		out = append(out, '}')
	}
	// The whole body is known, so it goes with its length rather than in
	// chunks, and a client can size its buffer at once.
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	_, _ = w.Write(out)
}
