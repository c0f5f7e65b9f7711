package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
)

// failingUpstream serves the shared sandbox but responds with status to every
// request whose path contains match.
func failingUpstream(t *testing.T, status int, match string) string {
	t.Helper()
	sb := sharedAPI.URL
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, match) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"status": %d, "error": %q, "message": "injected by the test"}`,
				status, http.StatusText(status))
			return
		}
		forward(w, r, sb)
	}))
	t.Cleanup(proxy.Close)
	return proxy.URL
}

// forward sends r to the API at base and copies the response.
func forward(w http.ResponseWriter, r *http.Request, base string) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	var buf [32 << 10]byte
	for {
		n, err := resp.Body.Read(buf[:])
		_, _ = w.Write(buf[:n])
		if err != nil {
			return
		}
	}
}

func TestUpstreamStatusBecomesCode(t *testing.T) {
	cases := []struct {
		status int
		code   string
	}{
		{http.StatusBadRequest, graph.CodeBadUserInput},
		{http.StatusUnauthorized, graph.CodeUnauthenticated},
		{http.StatusForbidden, graph.CodeForbidden},
		{http.StatusNotFound, graph.CodeNotFound},
		{http.StatusGone, graph.CodeNotFound},
		{http.StatusTooManyRequests, graph.CodeRateLimited},
		{http.StatusInternalServerError, graph.CodeUpstreamError},
		{http.StatusBadGateway, graph.CodeUpstreamUnavailable},
		{http.StatusServiceUnavailable, graph.CodeUpstreamUnavailable},
		{http.StatusGatewayTimeout, graph.CodeUpstreamTimeout},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			g := newGatewayOver(t, failingUpstream(t, tc.status, "/company/Broken"))
			resp := g.do(`{ ok: company(name: "IBM") { name } broken: company(name: "Broken") { name } }`, nil, nil)

			var data struct {
				OK     *struct{ Name string }
				Broken *struct{ Name string }
			}
			if err := json.Unmarshal(resp.Data, &data); err != nil {
				t.Fatalf("decoding data: %v", err)
			}
			if data.OK == nil || data.OK.Name != "IBM" {
				t.Errorf("ok = %+v, want IBM beside the failed field", data.OK)
			}
			if data.Broken != nil {
				t.Errorf("broken = %+v, want null", data.Broken)
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", resp.Errors)
			}
			e := resp.Errors[0]
			if got := e.Extensions["code"]; got != tc.code {
				t.Errorf("code = %v, want %s", got, tc.code)
			}
			if got := e.Extensions["status"]; got != float64(tc.status) {
				t.Errorf("status = %v, want %d", got, tc.status)
			}
			if fmt.Sprint(e.Path) != "[broken]" {
				t.Errorf("path = %v, want [broken]", e.Path)
			}
		})
	}
}

func TestUnreachableUpstreamIsUnavailable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	g := newGatewayOver(t, dead.URL)

	resp := g.do(`{ company(name: "IBM") { name } }`, nil, nil)

	if resp.code() != graph.CodeUpstreamUnavailable {
		t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeUpstreamUnavailable, resp.Errors)
	}
}

func TestHangingUpstreamTimesOut(t *testing.T) {
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(hanging.Close)
	client, err := cognism.NewClient(hanging.URL, cognism.WithRetryPolicy(cognism.NoRetry),
		cognism.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	g := newGateway(t, func(c *graph.Config) { c.Client = client })

	resp := g.do(`{ company(name: "IBM") { name } }`, nil, nil)

	if resp.code() != graph.CodeUpstreamTimeout {
		t.Errorf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeUpstreamTimeout, resp.Errors)
	}
}

func TestClientCancellationIsLoggedAsCancelled(t *testing.T) {
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(hanging.Close)
	logs := &syncBuffer{}
	g := newGatewayOver(t, hanging.URL, func(c *graph.Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url,
		strings.NewReader(`{"query": "query Gone { company(name: \"IBM\") { name } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the request finished, want it cancelled by the client")
	}

	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "Gone") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	line := logs.String()
	if !strings.Contains(line, graph.CodeRequestCancelled) {
		t.Errorf("log %q lacks %s", line, graph.CodeRequestCancelled)
	}
	if strings.Contains(line, graph.CodeUpstreamTimeout) {
		t.Errorf("log %q blames the upstream for the client leaving", line)
	}
}

func TestErrorMessagesCarryNoCredential(t *testing.T) {
	g := newGatewayOver(t, failingUpstream(t, http.StatusUnauthorized, "/"))

	resp := g.do(`{ documentsReport(search: {sources: ["Reuters"]}) }`, nil, map[string]string{
		"X-API-AccessToken": "secret-token-value",
		"X-API-SecretKey":   "secret-key-value",
	})

	raw, _ := json.Marshal(resp.Errors)
	if strings.Contains(string(raw), "secret-token-value") || strings.Contains(string(raw), "secret-key-value") {
		t.Errorf("errors contain a credential: %s", raw)
	}
	if resp.code() != graph.CodeUnauthenticated {
		t.Errorf("code = %q, want %s", resp.code(), graph.CodeUnauthenticated)
	}
}

func TestInvalidScalarNamesArgument(t *testing.T) {
	g := newGateway(t)
	cases := []struct {
		name, query, wantInMessage string
	}{
		{"date in filter", `{ events(filter: {dateFrom: "20.04.2016"}) { nodes { id } } }`, "filter.dateFrom"},
		{"date as number", `{ events(filter: {dateTo: 2016}) { nodes { id } } }`, "filter.dateTo"},
		{"date in search", `{ documents(search: {sources: ["Reuters"], dateFrom: "2016-13-01"}) { documents { id } } }`, "search.dateFrom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := g.do(tc.query, nil, nil)
			if resp.code() != graph.CodeBadUserInput {
				t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
			}
			msg := resp.Errors[0].Message
			if !strings.Contains(msg, tc.wantInMessage) || !strings.Contains(msg, "2016-04-20") {
				t.Errorf("message %q should name %s and show the expected form", msg, tc.wantInMessage)
			}
		})
	}
}

func TestArgumentErrorPointsAtItsField(t *testing.T) {
	g := newGateway(t)
	cases := map[string]string{
		"invalid date": "{\n  __typename\n  events(filter: {dateFrom: \"20.04.2016\"}) { nodes { id } }\n}",
		"unknown enum in input object": "query ($o: PipelineOperator!) {\n  __typename\n" +
			"  searchEvents(search: {dateFrom: \"2020-01-01\", dateTo: \"2020-02-01\",\n" +
			"    pipeline: [{name: \"type\", operator: $o, values: [\"x\"]}]}) { nodes { id } }\n}",
	}
	for name, query := range cases {
		t.Run(name, func(t *testing.T) {
			resp := g.do(query, map[string]any{"o": "eq"}, nil)

			if resp.code() != graph.CodeBadUserInput {
				t.Fatalf("errors %+v, want %s", resp.Errors, graph.CodeBadUserInput)
			}
			want := location{Line: 3, Column: 3}
			if got := resp.Errors[0].Locations; len(got) != 1 || got[0] != want {
				t.Errorf("locations %+v, want [%+v], the field with the argument", got, want)
			}
		})
	}
}

func TestInvalidScalarVariableNamesArgument(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`query ($f: Date) { events(filter: {dateFrom: $f}) { nodes { id } } }`,
		map[string]any{"f": "yesterday"}, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "yesterday") {
		t.Errorf("message %q should show the rejected value", msg)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "filter.dateFrom (variable $f)") {
		t.Errorf("message %q should name the argument and the variable", msg)
	}
}

func TestInvalidObjectVariableNamesVariable(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`query ($f: EventFilter) { events(filter: $f) { nodes { id } } }`,
		map[string]any{"f": map[string]any{"dateTo": "20.04.2016"}}, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "filter.dateTo (variable $f)") {
		t.Errorf("message %q should name the argument and the variable", msg)
	}
}

func TestUpstreamErrorMessageIsPlain(t *testing.T) {
	base := failingUpstream(t, http.StatusServiceUnavailable, "/company/Oracle")
	g := newGatewayOver(t, base+"/prefix")

	resp := g.do(`{ company(name: "Oracle") { name } }`, nil, nil)

	if len(resp.Errors) == 0 {
		t.Fatal("no error for a failing upstream")
	}
	msg := resp.Errors[0].Message
	want := "upstream request GET /api/v1/company/Oracle failed with status 503: injected by the test"
	if msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}

func TestUnreachableUpstreamNamesNoHost(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	host := closed.Listener.Addr().String()
	closed.Close()
	g := newGatewayOver(t, closed.URL)

	resp := g.do(`{ company(name: "IBM") { name } }`, nil, nil)

	if resp.code() != graph.CodeUpstreamUnavailable {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeUpstreamUnavailable, resp.Errors)
	}
	msg := resp.Errors[0].Message
	if strings.Contains(msg, host) {
		t.Errorf("message %q names the upstream host", msg)
	}
	if !strings.Contains(msg, "connection refused") {
		t.Errorf("message %q does not say the connection was refused", msg)
	}
}

func TestMalformedUpstreamBodyNamesNoGoType(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"results": "not a list"}`)
	}))
	t.Cleanup(upstream.Close)
	g := newGatewayOver(t, upstream.URL)

	resp := g.do(`{ events(first: 1) { nodes { id } } }`, nil, nil)

	if resp.code() != graph.CodeUpstreamError {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeUpstreamError, resp.Errors)
	}
	if msg := resp.Errors[0].Message; strings.Contains(msg, "cognism.") || strings.Contains(msg, "Go value") {
		t.Errorf("message %q names a Go type", msg)
	}
}

func TestRejectedTokenMessageIsReadable(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`{ company(name: "IBM") { name } }`, nil, map[string]string{"X-API-AccessToken": "e"})

	if resp.code() != graph.CodeUnauthenticated {
		t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeUnauthenticated, resp.Errors)
	}
	if msg := resp.Errors[0].Message; strings.Contains(msg, "REDACTED") {
		t.Errorf("message %q is garbled by redaction", msg)
	}
}

func TestReversedDatesAreRejectedInISO(t *testing.T) {
	g := newGateway(t)
	cases := map[string]string{
		"events":       `{ events(filter: {dateFrom: "2024-02-01", dateTo: "2024-01-01"}) { nodes { id } } }`,
		"company news": `{ company(name: "IBM") { news(dateFrom: "2024-02-01", dateTo: "2024-01-01") { nodes { headline } } } }`,
	}
	for name, query := range cases {
		t.Run(name, func(t *testing.T) {
			resp := g.do(query, nil, nil)

			if resp.code() != graph.CodeBadUserInput {
				t.Fatalf("errors %+v, want %s", resp.Errors, graph.CodeBadUserInput)
			}
			msg := resp.Errors[0].Message
			if !strings.Contains(msg, "2024-01-01 is before") || !strings.Contains(msg, "2024-02-01") {
				t.Errorf("message %q does not give both dates as sent", msg)
			}
		})
	}
}

func TestUnknownEnumInInputObjectIsBadInput(t *testing.T) {
	g := newGateway(t)

	resp := g.do(`query ($o: PipelineOperator!) {
		searchEvents(search: {dateFrom: "2020-01-01", dateTo: "2020-02-01",
			pipeline: [{name: "type", operator: $o, values: ["x"]}]}) { nodes { id } } }`,
		map[string]any{"o": "eq"}, nil)

	if resp.code() != graph.CodeBadUserInput {
		t.Fatalf("errors %+v, want %s", resp.Errors, graph.CodeBadUserInput)
	}
	if msg := resp.Errors[0].Message; !strings.Contains(msg, "search.pipeline[0].operator") ||
		!strings.Contains(msg, "PipelineOperator") {
		t.Errorf("message %q does not name the argument and its type", msg)
	}
}
