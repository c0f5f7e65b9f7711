package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestWriteResponseMatchesFullEncoding(t *testing.T) {
	hasNext := false
	for name, resp := range map[string]*graphql.Response{
		"data only": {Data: json.RawMessage(`{"company":{"name":"AT&T <Labs>","ids":[1,2]}}`)},
		"data and errors": {
			Data: json.RawMessage(`{"company":null}`),
			Errors: gqlerror.List{{
				Message:    "upstream unavailable",
				Path:       ast.Path{ast.PathName("company"), ast.PathIndex(0)},
				Extensions: map[string]any{"code": "UPSTREAM_UNAVAILABLE", "status": 503},
			}},
		},
		"no data":    {Errors: gqlerror.List{{Message: "bad"}}},
		"extensions": {Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": 3}},
		"incremental": {
			Data: json.RawMessage(`{"a":1}`), Label: "later", HasNext: &hasNext,
			Path: ast.Path{ast.PathName("a")},
		},
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writeResponse(rec, resp, slog.Default())

			full, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("response is not JSON: %v\n%s", err, rec.Body.Bytes())
			}
			if err := json.Unmarshal(full, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("response = %s, want the same members as %s", rec.Body.Bytes(), full)
			}
			if len(resp.Errors) > 0 && !bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"errors":`)) {
				t.Errorf("response = %s, want the errors first", rec.Body.Bytes())
			}
		})
	}
}

func TestResponseMediaTypeFollowsAccept(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  "application/json",
		"*/*":                               "application/json",
		"application/*":                     "application/json",
		"application/json":                  "application/json",
		"application/graphql-response+json": "application/graphql-response+json",
		"application/graphql-response+json, application/json;q=0.9": "application/graphql-response+json",
		"text/html, application/json":                               "application/json",
		"text/html":                                                 "application/graphql-response+json",
		"not a media type, application/json":                        "application/json",
	} {
		if got := responseMediaType(accept); got != want {
			t.Errorf("Accept %q: media type %q, want %q", accept, got, want)
		}
	}
}

// parseCounter counts the operations the server starts to read.
type parseCounter struct{ calls int }

func (c *parseCounter) ExtensionName() string { return "parseCounter" }

func (c *parseCounter) Validate(graphql.ExecutableSchema) error { return nil }

func (c *parseCounter) MutateOperationParameters(context.Context, *graphql.RawParams) *gqlerror.Error {
	c.calls++
	return nil
}

func TestRejectedDocumentIsReadOnce(t *testing.T) {
	cfg := offlineConfig(t)
	counter := &parseCounter{}
	srv := handler.New(NewExecutableSchema(cfg))
	srv.Use(counter)
	srv.AddTransport(getTransport{logger: cfg.Logger})
	srv.AddTransport(postTransport{logger: cfg.Logger})

	post := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query": "{ nope }"}`))
	post.Header.Set("Content-Type", "application/json")
	get := httptest.NewRequest(http.MethodGet, "/query?query=%7B+nope+%7D", nil)
	for _, req := range []*http.Request{post, get} {
		counter.calls = 0
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)

		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422 for a field that does not exist", req.Method, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), "nope") {
			t.Errorf("%s: body %s does not name the unknown field", req.Method, rec.Body.String())
		}
		if counter.calls != 1 {
			t.Errorf("%s: the document was read %d times, want once", req.Method, counter.calls)
		}
	}
}
