package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
)

func post(t *testing.T, endpoint, contentType, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(endpoint, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func TestOversizedBodyIsRejected(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxBodyBytes = 1024 })
	big := fmt.Sprintf(`{"query": "{ company(name: \"%s\") { name } }"}`, strings.Repeat("x", 4096))

	resp, body := post(t, g.url, "application/json", big)

	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413 (body %s)", resp.StatusCode, body)
	}
	if !strings.Contains(body, "1024 bytes") {
		t.Errorf("body %q does not state the limit", body)
	}
	if !strings.Contains(body, graph.CodeQueryTooLarge) {
		t.Errorf("body %q lacks the code %s", body, graph.CodeQueryTooLarge)
	}
	assertStillServing(t, g)
}

func TestChunkedOversizedBodyIsRejected(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxBodyBytes = 1024 })
	big := fmt.Sprintf(`{"query": "{ company(name: \"%s\") { name } }"}`, strings.Repeat("x", 4096))
	req, err := http.NewRequest(http.MethodPost, g.url, io.MultiReader(strings.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if resp.StatusCode < 400 || resp.StatusCode > 499 {
		t.Errorf("status = %d, want a 4xx", resp.StatusCode)
	}
	assertStillServing(t, g)
}

func TestMalformedRequests(t *testing.T) {
	g := newGateway(t)
	cases := []struct {
		name, contentType, body string
		wantStatus              int
		wantInBody              string
	}{
		{"invalid JSON", "application/json", `{"query": `, http.StatusBadRequest, "errors"},
		{"empty body", "application/json", "", http.StatusBadRequest, "request body is empty"},
		{"empty object", "application/json", "{}", http.StatusBadRequest, "request has no query"},
		{"null body", "application/json", "null", http.StatusBadRequest, "request has no query"},
		{"empty query", "application/json", `{"query": " "}`, http.StatusBadRequest, "request has no query"},
		{"blank body", "application/json", " \n\t", http.StatusBadRequest, "request body is empty"},
		{"form feed body", "application/json", "\f", http.StatusBadRequest, "not valid JSON"},
		{"no-break space body", "application/json", "\u00a0", http.StatusBadRequest, "not valid JSON"},
		{"vertical tab before object", "application/json", "\v{\"query\": \"{ __typename }\"}", http.StatusBadRequest, "not valid JSON"},
		{"query not a string", "application/json", `{"query": 42}`, http.StatusBadRequest, "errors"},
		{"syntax error", "application/json", `{"query": "{ company(name: "}`, http.StatusOK, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", "application/json", `{"query": "{ nope }"}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED"},
		{"control character literal", "application/json", `{"query": "{ company(name: \"\u0000\") { name } }"}`, http.StatusOK, "GRAPHQL_PARSE_FAILED"},
		{"control characters in variable", "application/json", `{"query": "query ($n: String!) { company(name: $n) { name } }", "variables": {"n": "\u0000\u0007\ud800\u202e%00%2F.."}}`, http.StatusOK, `"company":null`},
		{"long variable", "application/json", `{"query": "query ($n: String!) { company(name: $n) { name } }", "variables": {"n": "` + strings.Repeat("é", 20000) + `"}}`, http.StatusOK, `"company"`},
		{"too many tokens", "application/json", `{"query": "{ ` + strings.Repeat("__typename ", 20000) + `}"}`, http.StatusOK, "QUERY_TOO_LARGE"},
		{"deep JSON variables", "application/json", `{"query": "{ __typename }", "variables": {"a": ` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}`, http.StatusOK, "__typename"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(t, g.url, tc.contentType, tc.body)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d (body %.200s)", resp.StatusCode, tc.wantStatus, body)
			}
			if !strings.Contains(body, tc.wantInBody) {
				t.Errorf("body %.300s lacks %q", body, tc.wantInBody)
			}
		})
	}
	assertStillServing(t, g)
}

func TestFailedDocumentHasNoDataEntry(t *testing.T) {
	g := newGateway(t)
	for name, query := range map[string]string{
		"syntax error":  `{ company(name: `,
		"unknown field": `{ nope }`,
	} {
		t.Run(name, func(t *testing.T) {
			body, err := json.Marshal(map[string]string{"query": query})
			if err != nil {
				t.Fatal(err)
			}
			_, text := post(t, g.url, "application/json", string(body))
			var fields map[string]json.RawMessage
			if err := json.Unmarshal([]byte(text), &fields); err != nil {
				t.Fatalf("body %.200s is not a JSON object: %v", text, err)
			}
			if _, ok := fields["data"]; ok {
				t.Errorf("body %.200s has a data entry, want none before execution", text)
			}
			if _, ok := fields["errors"]; !ok {
				t.Errorf("body %.200s has no errors", text)
			}
		})
	}
}

func TestGetWithInvalidVariablesSaysWhy(t *testing.T) {
	g := newGateway(t)
	query := url.Values{"query": {`query ($n: String!) { company(name: $n) { name } }`}, "variables": {`{"n": `}}

	resp, err := http.Get(g.url + "?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.StatusCode)
	}
	if !strings.Contains(string(body), graph.CodeBadRequest) || !strings.Contains(string(body), "not a JSON object") {
		t.Errorf("body %s lacks the code and the reason", body)
	}
}

func TestGetInvalidExtensionsHint(t *testing.T) {
	g := newGateway(t)
	query := url.Values{"query": {`{ __typename }`}, "extensions": {`[]`}}

	resp, body := send(t, http.MethodGet, g.url+"?"+query.Encode(), "", "")

	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.StatusCode)
	}
	if !strings.Contains(body, "extensions=") || strings.Contains(body, "IBM") {
		t.Errorf("body %s does not show an extensions object", body)
	}
}

func TestGetAllowsQueriesOnly(t *testing.T) {
	g := newGateway(t)

	query := url.Values{"query": {`{ company(name: "IBM") { name } }`}}
	resp, err := http.Get(g.url + "?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"IBM"`) {
		t.Errorf("GET query = %d %s, want 200 with IBM", resp.StatusCode, body)
	}
	if !json.Valid(body) {
		t.Errorf("GET query body %s is not one JSON value", body)
	}

	for _, doc := range []url.Values{
		{"query": {`mutation { deleteTriggerSubscription(id: "x") }`}},
		{"query": {`query A { __typename } mutation B { pushToSession(session: "x", data: 1) }`}, "operationName": {"B"}},
		{"query": {`subscription { liveEvents { id } }`}},
	} {
		resp, err = http.Get(g.url + "?" + doc.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
			t.Errorf("GET %s = %d with Allow %q, want 405 with Allow POST",
				doc.Get("query"), resp.StatusCode, resp.Header.Get("Allow"))
		}
	}

	named := url.Values{"query": {`query A { __typename } mutation B { pushToSession(session: "x", data: 1) }`}, "operationName": {"A"}}
	resp, err = http.Get(g.url + "?" + named.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET of the query in a document with a mutation = %d, want 200", resp.StatusCode)
	}
}

func TestGraphQLResponseMediaType(t *testing.T) {
	g := newGateway(t)
	req, err := http.NewRequest(http.MethodPost, g.url, strings.NewReader(`{"query": "{ nope }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Errorf("Content-Type = %q, want application/graphql-response+json", ct)
	}
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("validation failure status = %d, want 400 for graphql-response+json", resp.StatusCode)
	}
}

// executedQueryRequests returns a POST and a GET request for one query.
func executedQueryRequests(t *testing.T, endpoint, query string) map[string]*http.Request {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	post, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	post.Header.Set("Content-Type", "application/json")
	get, err := http.NewRequest(http.MethodGet, endpoint+"?query="+url.QueryEscape(query), nil)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*http.Request{"POST": post, "GET": get}
}

func TestExecutedResponseHeadersAndBody(t *testing.T) {
	g := newGateway(t)
	for _, c := range []struct{ method, accept, wantType string }{
		{"POST", "", "application/json"},
		{"POST", "application/graphql-response+json", "application/graphql-response+json"},
		{"GET", "", "application/json"},
		{"GET", "application/graphql-response+json", "application/graphql-response+json"},
	} {
		req := executedQueryRequests(t, g.url, `{ company(name: "IBM") { name } __typename }`)[c.method]
		label, wantType := c.method+" with Accept "+strconv.Quote(c.accept), c.wantType
		req.Header.Set("Accept", c.accept)

		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}

		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want 200", label, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); ct != wantType {
			t.Errorf("%s: Content-Type %q, want %q", label, ct, wantType)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", label, got)
		}
		var decoded struct {
			Data struct {
				Company  struct{ Name string }
				Typename string `json:"__typename"`
			}
			Errors []any
		}
		if err := json.Unmarshal(body, &decoded); err != nil {
			t.Fatalf("%s: body is not JSON: %v\n%s", label, err, body)
		}
		if decoded.Data.Company.Name != "IBM" || decoded.Data.Typename != "Query" || decoded.Errors != nil {
			t.Errorf("%s: body %s, want IBM and Query with no errors", label, body)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxDepth = 4 })

	deep := g.do(`{ events(first: 1) { nodes { person { currentCompany { name } } } } }`, nil, nil)
	if deep.code() != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("5 levels under a limit of 4: code = %q, want DEPTH_LIMIT_EXCEEDED", deep.code())
	}

	ok := g.do(`{ events(first: 1) { nodes { company { name } } } }`, nil, nil)
	if len(ok.Errors) > 0 {
		t.Errorf("4 levels under a limit of 4 failed: %+v", ok.Errors)
	}

	introspection := g.do(`{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }`, nil, nil)
	if len(introspection.Errors) > 0 {
		t.Errorf("introspection counted against the depth limit: %+v", introspection.Errors)
	}
}

func TestDepthLimitFollowsFragments(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxDepth = 3 })

	resp := g.do(`
		query { events(first: 1) { ...E } }
		fragment E on EventConnection { nodes { person { currentCompany { name } } } }`, nil, nil)

	if resp.code() != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("code = %q, want DEPTH_LIMIT_EXCEEDED through a fragment", resp.code())
	}
}

func TestComplexityLimitCountsPageSizes(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ events(first: 200) { nodes { company { events(first: 200) { nodes { id type } } } } } }`, nil, nil)

	if resp.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("code = %q, want COMPLEXITY_LIMIT_EXCEEDED (errors %+v)", resp.code(), resp.Errors)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "smaller first") {
		t.Errorf("message %q does not say how to shrink the operation", msg)
	}
}

func TestShapeLimitsAreRequestErrors(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxDepth = 4 })
	queries := map[string]string{
		"depth":      `{ events(first: 1) { nodes { person { currentCompany { name } } } } }`,
		"complexity": `{ events(first: 200) { nodes { company { events(first: 200) { nodes { id } } } } } }`,
	}
	for name, query := range queries {
		for _, c := range []struct {
			method, accept string
			wantStatus     int
		}{
			{"POST", "application/json", http.StatusOK},
			{"POST", "application/graphql-response+json", http.StatusBadRequest},
			{"GET", "application/json", http.StatusOK},
			// Only a POST opens an event stream, so this GET is plain HTTP.
			{"GET", "text/event-stream, application/json", http.StatusOK},
		} {
			accept, wantStatus := c.method+" "+c.accept, c.wantStatus
			req := executedQueryRequests(t, g.url, query)[c.method]
			req.Header.Set("Accept", c.accept)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]json.RawMessage
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}

			if resp.StatusCode != wantStatus {
				t.Errorf("%s limit with %s: status %d, want %d", name, accept, resp.StatusCode, wantStatus)
			}
			if _, ok := body["data"]; ok {
				t.Errorf("%s limit with %s: response has a data entry, want none for a request error",
					name, accept)
			}
			if _, ok := body["errors"]; !ok {
				t.Errorf("%s limit with %s: response has no errors", name, accept)
			}
		}
	}
}

func TestOversizedFirstGetsRangeError(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ events(first: 100000) { nodes { id } } }`, nil, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "use 1 to 200") {
		t.Errorf("message %q does not give the range of first", msg)
	}
}

func TestHeaderCredentialsAreUsed(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ company(name: "IBM") { name } }`, nil, map[string]string{
		"X-API-AccessToken": "not-a-sandbox-token",
		"X-API-SecretKey":   "nope",
	})

	if resp.code() != graph.CodeUnauthenticated {
		t.Errorf("code = %q, want %s from the sandbox rejecting the header token", resp.code(), graph.CodeUnauthenticated)
	}
}

func TestJoinFailureNullsOnlyItsField(t *testing.T) {
	g := newGatewayOver(t, failingUpstream(t, http.StatusServiceUnavailable, "/company/Oracle"))

	resp := g.do(`{ events(first: 30, filter: {organizations: ["Oracle", "IBM"]}) {
		nodes { organization company { name } } } }`, nil, nil)

	var data struct {
		Events struct {
			Nodes []struct {
				Organization string
				Company      *struct{ Name string }
			}
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	var oracle, ibm int
	for i, e := range data.Events.Nodes {
		switch e.Organization {
		case "Oracle":
			oracle++
			if e.Company != nil {
				t.Errorf("node %d: Oracle company resolved through a failing upstream", i)
			}
		case "IBM":
			ibm++
			if e.Company == nil || e.Company.Name != "IBM" {
				t.Errorf("node %d: IBM company = %+v, want IBM", i, e.Company)
			}
		}
	}
	if oracle == 0 || ibm == 0 {
		t.Fatalf("need events at both Oracle (%d) and IBM (%d)", oracle, ibm)
	}
	if len(resp.Errors) != oracle {
		t.Errorf("%d errors for %d Oracle events, want one each", len(resp.Errors), oracle)
	}
	for _, e := range resp.Errors {
		if e.Extensions["code"] != graph.CodeUpstreamUnavailable || len(e.Path) != 4 || e.Path[3] != "company" {
			t.Errorf("error = %+v, want UPSTREAM_UNAVAILABLE at events.nodes.N.company", e)
		}
	}
}

func TestNonNullFieldErrorNullsParent(t *testing.T) {
	g := newGatewayOver(t, failingUpstream(t, http.StatusInternalServerError, "/events/stream"))

	resp := g.do(`{ company(name: "IBM") { name events(first: 2) { nodes { id } } } }`, nil, nil)

	if string(resp.Data) != `{"company":null}` {
		t.Errorf("data = %s, want company null because events is non-null", resp.Data)
	}
	if resp.code() != graph.CodeUpstreamError {
		t.Errorf("code = %q, want %s", resp.code(), graph.CodeUpstreamError)
	}
}

func assertStillServing(t *testing.T, g *gateway) {
	t.Helper()
	var data struct{ Company struct{ Name string } }
	g.query(`{ company(name: "IBM") { name } }`, nil, &data)
	if data.Company.Name != "IBM" {
		t.Errorf("gateway stopped answering after the bad request")
	}
}

func TestFailedOrganizationLeavesOthers(t *testing.T) {
	g := newGatewayOver(t, failingUpstream(t, http.StatusServiceUnavailable, "/company/Google"))

	resp := g.do(`{ documentsByEntity(first: 3, search: {term: "Google", tag: ORGANIZATION,
		sources: `+allSources+`, dateFrom: "2015-01-01", dateTo: "2026-12-31"}) {
		nodes { entities { type value } organizations { name } } } }`, nil, nil)

	var data struct {
		DocumentsByEntity *struct {
			Nodes []struct {
				Entities      []struct{ Type, Value string }
				Organizations []struct{ Name string }
			}
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.DocumentsByEntity == nil || len(data.DocumentsByEntity.Nodes) == 0 {
		t.Fatalf("documentsByEntity = null, want documents with the other organisations (errors %+v)", resp.Errors)
	}
	for i, d := range data.DocumentsByEntity.Nodes {
		if hasName(d.Organizations, "Google") {
			t.Errorf("document %d lists Google through a failing upstream", i)
		}
		others := 0
		for _, e := range d.Entities {
			if e.Type == "ORGANIZATION" && e.Value != "Google" {
				others++
			}
		}
		if others > 0 && len(d.Organizations) == 0 {
			t.Errorf("document %d lost its other %d organisations", i, others)
		}
	}
	if len(resp.Errors) == 0 || resp.code() != graph.CodeUpstreamUnavailable {
		t.Errorf("errors = %+v, want UPSTREAM_UNAVAILABLE for Google", resp.Errors)
	}
	for _, e := range resp.Errors {
		if len(e.Path) != 4 || e.Path[3] != "organizations" {
			t.Errorf("error path = %v, want documentsByEntity.nodes.N.organizations", e.Path)
		}
	}
}

func TestOversizedSSEBodyIsRejected(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.MaxBodyBytes = 1024 })
	big := fmt.Sprintf(`{"query": "subscription { liveEvents(filter: {rule: \"%s\"}) { id } }"}`,
		strings.Repeat("x", 4096))
	req, err := http.NewRequest(http.MethodPost, g.url, io.MultiReader(strings.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413", resp.StatusCode)
	}
}

// panickingTransport panics on requests whose path contains match and
// sends the others to the shared sandbox.
type panickingTransport struct{ match string }

func (p panickingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, p.match) {
		panic("injected by the test")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestPanicsBecomeInternalErrors(t *testing.T) {
	var logs syncBuffer
	cases := map[string]struct{ match, query, path string }{
		"in a loader":     {"/company/", `{ events(first: 2) { nodes { id company { name } } } }`, "company"},
		"in a root field": {"/person", `{ people(company: "IBM") { id } }`, "people"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			client, err := cognism.NewClient(sharedAPI.URL, cognism.WithRetryPolicy(cognism.NoRetry),
				cognism.WithHTTPClient(&http.Client{Transport: panickingTransport{tc.match}}))
			if err != nil {
				t.Fatal(err)
			}
			g := newGateway(t, func(c *graph.Config) {
				c.Client = client
				c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
			})

			resp := g.do(tc.query, nil, nil)

			if resp.code() != graph.CodeInternal {
				t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeInternal, resp.Errors)
			}
			e := resp.Errors[0]
			if e.Message != "internal server error" || fmt.Sprint(e.Path[len(e.Path)-1]) != tc.path {
				t.Errorf("error = %+v, want internal server error at %s", e, tc.path)
			}
			if !strings.Contains(logs.String(), "injected by the test") {
				t.Errorf("the panic was not logged: %s", logs.String())
			}
			var data struct {
				Typename string `json:"__typename"`
			}
			g.query(`{ __typename }`, nil, &data)
			if data.Typename != "Query" {
				t.Errorf("gateway stopped answering after the panic")
			}
		})
	}
}

func TestSubscriptionOverPlainPostIsRejected(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`subscription { liveEvents { id } }`, nil, nil)

	if resp.code() != graph.CodeBadRequest {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadRequest, resp.Errors)
	}
	msg := resp.Errors[0].Message
	if !strings.Contains(msg, "websocket") {
		t.Errorf("message %q does not name the websocket transport", msg)
	}
	if !strings.Contains(msg, "text/event-stream") {
		t.Errorf("message %q does not name the SSE media type", msg)
	}
}

func TestSubscriptionOverGetNamesTransports(t *testing.T) {
	g := newGateway(t)
	query := url.Values{"query": {`subscription { liveEvents { id } }`}}

	resp, err := http.Get(g.url + "?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("status = %d, want 405", resp.StatusCode)
	}
	if !strings.Contains(string(body), "websocket") {
		t.Errorf("body %s does not name the websocket transport", body)
	}
}

func TestCredentialHeaders(t *testing.T) {
	g := newGateway(t)
	cases := []struct {
		name     string
		headers  map[string]string
		wantCode string
	}{
		{"secret key alone", map[string]string{"X-API-SecretKey": "wrong"}, graph.CodeUnauthenticated},
		{"empty token with a secret key", map[string]string{"X-API-AccessToken": "", "X-API-SecretKey": "wrong"}, graph.CodeUnauthenticated},
		{"both empty", map[string]string{"X-API-AccessToken": "", "X-API-SecretKey": ""}, ""},
		{"neither", nil, ""},
		{"wrong token alone", map[string]string{"X-API-AccessToken": "wrong"}, graph.CodeUnauthenticated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := g.do(`{ company(name: "IBM") { name } }`, nil, tc.headers)

			if resp.code() != tc.wantCode {
				t.Errorf("code = %q, want %q (errors %+v)", resp.code(), tc.wantCode, resp.Errors)
			}
		})
	}
}

func TestSecretKeyAloneNamesTokenHeader(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ company(name: "IBM") { name } }`, nil, map[string]string{"X-API-SecretKey": "wrong"})

	if resp.Status != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401", resp.Status)
	}
	if len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, "X-API-AccessToken") {
		t.Errorf("errors %+v do not name the X-API-AccessToken header", resp.Errors)
	}
}

// send makes a request with a body and returns the response and its body.
func send(t *testing.T, method, endpoint, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func TestUnsupportedRequestsGetJSONErrors(t *testing.T) {
	g := newGateway(t)
	query := `{"query": "{ __typename }"}`
	cases := []struct {
		name, method, contentType, body string
		wantStatus                      int
		wantInBody                      string
	}{
		{"text body", http.MethodPost, "text/plain", query, http.StatusUnsupportedMediaType, "application/json"},
		{"form body", http.MethodPost, "application/x-www-form-urlencoded", "query=x", http.StatusUnsupportedMediaType, "application/json"},
		{"PUT", http.MethodPut, "application/json", query, http.StatusMethodNotAllowed, "POST"},
		{"DELETE", http.MethodDelete, "", "", http.StatusMethodNotAllowed, "POST"},
		{"batch", http.MethodPost, "application/json", "[" + query + "]", http.StatusBadRequest, "one operation per request"},
		{"charset", http.MethodPost, "application/json; charset=utf-8", query, http.StatusOK, "__typename"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, tc.method, g.url, tc.contentType, tc.body)

			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d (body %.200s)", resp.StatusCode, tc.wantStatus, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			if !strings.Contains(body, tc.wantInBody) {
				t.Errorf("body %.300s lacks %q", body, tc.wantInBody)
			}
		})
	}
}

func TestMethodNotAllowedSendsAllow(t *testing.T) {
	g := newGateway(t)

	resp, _ := send(t, http.MethodPut, g.url, "application/json", `{"query": "{ __typename }"}`)

	if allow := resp.Header.Get("Allow"); !strings.Contains(allow, "POST") {
		t.Errorf("Allow = %q, want it to list POST", allow)
	}
}

func TestMalformedBodyIsNotEchoedInFull(t *testing.T) {
	g := newGateway(t)
	body := `{"query": ` + strings.Repeat("x", 100000)

	resp, out := post(t, g.url, "application/json", body)

	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.StatusCode)
	}
	if len(out) > 1000 {
		t.Errorf("error response is %d bytes, want the body cut short", len(out))
	}
}

func TestBodyTypeErrorNamesNoGoType(t *testing.T) {
	g := newGateway(t)

	_, out := post(t, g.url, "application/json", `{"query": 42}`)

	if strings.Contains(out, "Go ") || strings.Contains(out, "RawParams") {
		t.Errorf("body %s names a Go type", out)
	}
	if !strings.Contains(out, "query must be a string") {
		t.Errorf("body %s does not say query must be a string", out)
	}
}

func TestGetWithoutQueryIsBadRequest(t *testing.T) {
	g := newGateway(t)

	resp, body := send(t, http.MethodGet, g.url, "", "")

	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.StatusCode)
	}
	if !strings.Contains(body, "query") {
		t.Errorf("body %s gives no hint", body)
	}
}

func TestSeveralOperationsNeedOperationName(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`query A { __typename } query B { __typename }`, nil, nil)

	if len(resp.Errors) == 0 {
		t.Fatal("no error for two operations without operationName")
	}
	msg := resp.Errors[0].Message
	if !strings.Contains(msg, "2 operations") || !strings.Contains(msg, "operationName") {
		t.Errorf("message = %q, want it to count the operations and name operationName", msg)
	}
}

// TestLargeRejectedResponseIsFramed checks a document rejected with more
// errors than net/http buffers before it must chunk a body. Its "data"
// entry is dropped after the status is set, so a length declared before
// would be wrong.
func TestLargeRejectedResponseIsFramed(t *testing.T) {
	g := newGateway(t)
	fields := make([]string, 40)
	for i := range fields {
		fields[i] = fmt.Sprintf("nope%d", i)
	}
	body, _ := json.Marshal(map[string]string{"query": "{ " + strings.Join(fields, " ") + " }"})

	for _, accept := range []string{"application/json", "application/graphql-response+json"} {
		t.Run(accept, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, g.url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", accept)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("reading the body failed: %v", err)
			}

			if len(raw) < 2048 {
				t.Fatalf("body is %d bytes, want more than net/http buffers", len(raw))
			}
			if resp.ContentLength >= 0 && resp.ContentLength != int64(len(raw)) {
				t.Errorf("Content-Length %d, but the body has %d bytes", resp.ContentLength, len(raw))
			}
			if !json.Valid(raw) {
				t.Errorf("body is not JSON: %.200s", raw)
			}
			if bytes.Contains(raw, []byte(`"data"`)) {
				t.Errorf("body %.200s has a data entry, want none for a rejected document", raw)
			}
		})
	}
}

func TestPostIgnoresUpgradeHeader(t *testing.T) {
	g := newGateway(t)
	for _, body := range []string{`{"query": "{ __typename }"}`, ""} {
		req, _ := http.NewRequest(http.MethodPost, g.url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()

		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("body %q: Content-Type %q, want a JSON response", body, ct)
		}
		if body != "" && !strings.Contains(string(raw), `"__typename":"Query"`) {
			t.Errorf("body %q: response %s, want the query's data", body, raw)
		}
		if body == "" && !strings.Contains(string(raw), "request body is empty") {
			t.Errorf("empty body: response %s, want the empty-body error", raw)
		}
	}
}

func TestUnknownOperationNameHint(t *testing.T) {
	g := newGateway(t)
	cases := []struct {
		name, query, want string
	}{
		{"anonymous operation", `{ __typename }`, "omit operationName"},
		{"named operations", `query A { __typename } query B { __typename }`, "defines A, B"},
		{"two anonymous operations", `{ __typename } { __typename }`, "2 of them without a name"},
		{"named and anonymous", `query A { __typename } { __typename }`, "1 of them without a name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"query": c.query, "operationName": "Missing"})
			resp, raw := post(t, g.url, "application/json", string(body))

			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d, want 200 under application/json", resp.StatusCode)
			}
			if !strings.Contains(raw, `operation \"Missing\" not found`) {
				t.Errorf("body %s does not name the missing operation", raw)
			}
			if !strings.Contains(raw, c.want) {
				t.Errorf("body %s does not say %q", raw, c.want)
			}
		})
	}
}

func TestLongOperationNamesAreCut(t *testing.T) {
	g := newGateway(t)
	long := strings.Repeat("A", 5000)
	query := "query " + long + "1 { __typename } query " + long + "2 { __typename }"
	body, _ := json.Marshal(map[string]string{"query": query, "operationName": "Missing"})

	_, raw := post(t, g.url, "application/json", string(body))

	if !strings.Contains(raw, "not found") {
		t.Fatalf("body %.300s does not report the missing operation", raw)
	}
	if len(raw) > 1000 {
		t.Errorf("response is %d bytes, want the operation names cut short", len(raw))
	}
}

func TestComplexityLimitCountsUnpagedLists(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ people(company: "IBM") { events(first: 100) { type company { name } } } }`, nil, nil)

	if resp.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("code = %q, want COMPLEXITY_LIMIT_EXCEEDED (errors %+v)", resp.code(), resp.Errors)
	}
}

func TestRequestErrorsStatusByMediaType(t *testing.T) {
	g := newGateway(t)
	cases := map[string]string{
		"oversized operation":              fragmentBomb(30),
		"two operations without a name":    `query A { __typename } query B { __typename }`,
		"subscription over plain POST":     `subscription { liveEvents { id } }`,
		"validation failure for reference": `{ nope }`,
	}
	for name, query := range cases {
		for accept, want := range map[string]int{
			"application/graphql-response+json": http.StatusBadRequest,
			"application/json":                  http.StatusOK,
		} {
			resp := g.do(query, nil, map[string]string{"Accept": accept})

			if resp.Status != want {
				t.Errorf("%s with Accept %s: status %d, want %d", name, accept, resp.Status, want)
			}
			if len(resp.Errors) == 0 {
				t.Errorf("%s with Accept %s: no errors", name, accept)
			}
		}
	}
}

func TestGetMutationErrorHasCode(t *testing.T) {
	g := newGateway(t)
	query := url.Values{"query": {`mutation { deleteTriggerSubscription(id: "x") }`}}

	resp, err := http.Get(g.url + "?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}

	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("status = %d, want 405", resp.StatusCode)
	}
	if out.code() != graph.CodeBadRequest {
		t.Errorf("code = %q, want %s", out.code(), graph.CodeBadRequest)
	}
}

func TestResponsesDeclareTheirLength(t *testing.T) {
	g := newGateway(t)
	query := `{ documents(search: {sources: ` + allSources + `, keywords: ["appoints"]}) {
		documents { id headline }
	} }`
	requests := map[string]func() (*http.Response, error){
		"POST": func() (*http.Response, error) {
			body, _ := json.Marshal(map[string]string{"query": query})
			return http.Post(g.url, "application/json", bytes.NewReader(body))
		},
		"GET": func() (*http.Response, error) {
			return http.Get(g.url + "?query=" + url.QueryEscape(query))
		},
	}
	for name, send := range requests {
		t.Run(name, func(t *testing.T) {
			resp, err := send()
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}

			if len(body) < 100 {
				t.Fatalf("body %s is too short to have the documents", body)
			}
			if resp.ContentLength != int64(len(body)) {
				t.Errorf("Content-Length %d, want the body's %d bytes", resp.ContentLength, len(body))
			}
			if len(resp.TransferEncoding) > 0 {
				t.Errorf("Transfer-Encoding %v, want none for a body of known length", resp.TransferEncoding)
			}
		})
	}
}
