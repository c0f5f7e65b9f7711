package graph

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
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
			writeResponse(rec, resp)

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
