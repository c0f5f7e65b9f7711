package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// loadSpecRouter parses the embedded OpenAPI document once and builds a
// router over it that matches paths on any host.
func loadSpecRouter() (routers.Router, error) {
	specOnce.Do(func() {
		// The events export separates fields with ";", which the default
		// CSV decoder rejects, so it is checked as text.
		openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.PlainBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(OpenAPI)
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			specErr = err
			return
		}
		doc.Servers = nil
		specRouter, specErr = legacy.NewRouter(doc)
	})
	return specRouter, specErr
}

// validatingTransport checks every response against the OpenAPI document
// and reports mismatches as test errors.
type validatingTransport struct {
	t    *testing.T
	base http.RoundTripper
}

func newValidatingTransport(t *testing.T) http.RoundTripper {
	return &validatingTransport{t: t, base: http.DefaultTransport}
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.base.RoundTrip(req)
	if err != nil || resp.StatusCode == http.StatusSwitchingProtocols {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := validateResponse(req, resp, body); err != nil {
		v.t.Errorf("%s %s: response %d does not match the OpenAPI document: %v\nbody: %.400s",
			req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	return resp, nil
}

// validateResponse checks one response against the document. Requests to
// paths or methods the document does not list are expected to get a JSON
// 404 or 405.
func validateResponse(req *http.Request, resp *http.Response, body []byte) error {
	router, err := loadSpecRouter()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil && req.URL.RawPath != "" {
		// The router splits the decoded path, so a name holding an
		// escaped "/" is matched on the escaped form.
		escaped := req.Clone(req.Context())
		escaped.URL.Path = req.URL.RawPath
		route, params, err = router.FindRoute(escaped)
	}
	if err != nil {
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			return checkErrorBody(resp, body)
		}
		return err
	}
	reqInput := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if resp.StatusCode < 300 {
		// A request that succeeded must be one the document allows.
		if err := validateRequest(reqInput); err != nil {
			return fmt.Errorf("request: %w", err)
		}
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(req.Context(), input)
}

// validateRequest checks a request, with its body restored afterwards.
func validateRequest(input *openapi3filter.RequestValidationInput) error {
	req := input.Request
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return err
		}
		clone := req.Clone(req.Context())
		clone.Body = body
		input.Request = clone
		defer func() { input.Request = req }()
	}
	return openapi3filter.ValidateRequest(req.Context(), input)
}

func checkErrorBody(resp *http.Response, body []byte) error {
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !bytes.Contains(body, []byte(`"message"`)) {
		return &openapi3.SchemaError{Reason: "error response is not a JSON Error body"}
	}
	return nil
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	if _, err := loadSpecRouter(); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	loader := openapi3.NewLoader()
	doc, _ := loader.LoadFromData(OpenAPI)
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi.yaml declares %s, want 3.1", doc.OpenAPI)
	}
	for _, rt := range (&Server{}).routeTable() {
		path := doc.Paths.Find(rt.pattern)
		if path == nil || path.GetOperation(rt.method) == nil {
			t.Errorf("openapi.yaml lacks %s", rt.template())
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	ts := newTestSandbox(t)
	resp, body := ts.do(t, "GET", "/openapi.yaml", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if body != string(OpenAPI) {
		t.Errorf("/openapi.yaml differs from the embedded document")
	}
}

func TestOpenAPIValidatorRejectsWrongBodies(t *testing.T) {
	cases := []struct {
		name, path string
		status     int
		body       string
	}{
		{"extra company field", "/api/v1/company/IBM", 200, `[{"id":"1","name":"IBM","ceo":"x"}]`},
		{"company without name", "/api/v1/company/IBM", 200, `[{"id":"1"}]`},
		{"event at as text", "/api/v1/events/stream", 200, `[{"id":"9c9567cf-10a1-4b4d-b553-77b83f5de16a","at":"soon","type":"quote"}]`},
		{"error without message", "/api/v1/company/IBM", 401, `{"status":401,"error":"Unauthorized"}`},
		{"undocumented status", "/api/v1/company/IBM", 418, `{"status":418,"error":"x","message":"y"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", c.path, nil)
			resp := &http.Response{
				StatusCode: c.status,
				Header:     http.Header{"Content-Type": {"application/json"}},
			}
			if err := validateResponse(req, resp, []byte(c.body)); err == nil {
				t.Errorf("validator accepted %s", c.body)
			}
		})
	}
}
