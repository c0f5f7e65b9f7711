package cognism

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fastRetry retries like DefaultRetryPolicy with waits of a few
// milliseconds, so retry tests stay quick.
var fastRetry = RetryPolicy{
	MaxAttempts:   4,
	BaseDelay:     time.Millisecond,
	MaxDelay:      5 * time.Millisecond,
	MaxTotalWait:  time.Second,
	RetryStatuses: []int{429, 502, 503, 504},
}

// newTestClient starts a server that passes every request to handler and
// returns a client whose base URL is the server under /prefix, with the
// test credentials as default and fastRetry.
func newTestClient(t *testing.T, handler http.HandlerFunc, opts ...Option) *Client {
	t.Helper()

	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	all := []Option{WithDefaultCredentials(Credentials{testToken, testSecret}), WithRetryPolicy(fastRetry)}
	c, err := NewClient(srv.URL+"/prefix", append(all, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

// testPath checks the escaped path the server received.
func testPath(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if got := r.URL.EscapedPath(); got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
}

// testQuery checks the query without the credential parameters.
func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()

	got := r.URL.Query()
	got.Del("accessToken")
	got.Del("secretKey")
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
}

// testBody checks that the request body is JSON equal to want.
func testBody(t *testing.T, r *http.Request, want string) {
	t.Helper()

	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	var got, wantValue any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", data, err)
	}
	if err := json.Unmarshal([]byte(want), &wantValue); err != nil {
		t.Fatalf("want %q is not JSON: %v", want, err)
	}
	if diff := cmp.Diff(wantValue, got); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
}

// testCredentials checks that the request carried creds in the given style
// only, and no secret key where creds has none.
func testCredentials(t *testing.T, r *http.Request, style authStyle, creds Credentials) {
	t.Helper()

	q := r.URL.Query()
	inHeader := map[string]string{
		"token":  r.Header.Get("X-API-AccessToken"),
		"secret": r.Header.Get("X-API-SecretKey"),
	}
	inQuery := map[string]string{"token": q.Get("accessToken"), "secret": q.Get("secretKey")}
	used, unused := inHeader, inQuery
	if style == authQuery {
		used, unused = inQuery, inHeader
	}

	if used["token"] != creds.AccessToken {
		t.Errorf("access token = %q, want %q", used["token"], creds.AccessToken)
	}
	if used["secret"] != creds.SecretKey {
		t.Errorf("secret key = %q, want %q", used["secret"], creds.SecretKey)
	}
	if creds.SecretKey == "" && (r.Header.Values("X-API-SecretKey") != nil || q.Has("secretKey")) {
		t.Error("request carries a secret key although none was given")
	}
	if unused["token"] != "" || unused["secret"] != "" {
		t.Errorf("credentials also sent the other way: %v", unused)
	}
}

// endpointCase is one REST endpoint called through its client method.
type endpointCase struct {
	name   string
	method string
	path   string // escaped, below the base URL
	auth   authStyle
	status int
	body   string
	call   func(ctx context.Context, c *Client) error
}

var testDate = time.Date(2016, time.April, 20, 0, 0, 0, 0, time.UTC)

var endpointCases = []endpointCase{
	{
		name: "company by name", method: "GET", path: "/api/v1/company/AT&T", auth: authHeader,
		status: 200, body: "[]",
		call: func(ctx context.Context, c *Client) error {
			_, err := c.CompanyByName(ctx, "AT&T")
			return err
		},
	},
	{
		name: "person search", method: "GET", path: "/api/v1/person", auth: authHeader,
		status: 200, body: `{"items": []}`,
		call: func(ctx context.Context, c *Client) error {
			_, err := c.SearchPeople(ctx, PersonSearch{Company: "IBM"})
			return err
		},
	},
	{
		name: "person enrichment", method: "GET", path: "/api/v1/person/enrich", auth: authHeader,
		status: 200, body: `{"items": []}`,
		call: func(ctx context.Context, c *Client) error {
			_, err := c.EnrichPerson(ctx, PersonEnrichment{FirstName: "A", LastName: "B", Company: "C"})
			return err
		},
	},
	{
		name: "event stream", method: "GET", path: "/api/v1/events/stream", auth: authHeader,
		status: 200, body: "[]",
		call: func(ctx context.Context, c *Client) error {
			_, err := c.EventStream(ctx, EventStreamOptions{})
			return err
		},
	},
	{
		name: "events CSV", method: "GET", path: "/api/v1/events/stream/csv", auth: authQuery,
		status: 200, body: "Data returned with rule\n" + csvHeader + "\n",
		call: func(ctx context.Context, c *Client) error {
			_, err := c.EventsCSV(ctx, EventStreamOptions{})
			return err
		},
	},
	{
		name: "event search", method: "POST", path: "/api/v1/events/stream/search", auth: authQuery,
		status: 200, body: "[]",
		call: func(ctx context.Context, c *Client) error {
			stage := PipelineStage{Name: "type", Operator: OpEq, Values: []string{"310"}}
			_, err := c.SearchEvents(ctx, EventSearch{Pipeline: []PipelineStage{stage}})
			return err
		},
	},
	{
		name: "document search JSON", method: "GET", path: "/api/v1/documents/json", auth: authQuery,
		status: 200, body: `{"query": {}, "documents": []}`,
		call: func(ctx context.Context, c *Client) error {
			_, err := c.SearchDocuments(ctx, DocumentSearchOptions{Sources: []string{"FT"}})
			return err
		},
	},
	{
		name: "document report text", method: "GET", path: "/api/v1/documents/txt", auth: authQuery,
		status: 200, body: "Cognism Data Report\n",
		call: func(ctx context.Context, c *Client) error {
			_, err := c.DocumentsReport(ctx, DocumentSearchOptions{Sources: []string{"FT"}})
			return err
		},
	},
	{
		name: "entity search", method: "GET", path: "/api/v2/documents/search", auth: authQuery,
		status: 200, body: "Cognism Data Report\n",
		call: func(ctx context.Context, c *Client) error {
			_, err := c.SearchEntities(ctx, EntitySearchOptions{
				Term: "IBM", Sources: []string{"FT"}, DateFrom: testDate, DateTo: testDate,
			})
			return err
		},
	},
	{
		name: "subscription list", method: "GET", path: "/api/v1/subscription", auth: authHeader,
		status: 200, body: "[]",
		call: func(ctx context.Context, c *Client) error {
			_, err := c.ListSubscriptions(ctx)
			return err
		},
	},
	{
		name: "subscription create", method: "POST", path: "/api/v1/subscription", auth: authHeader,
		status: 200, body: `{"_id": "s1"}`,
		call: func(ctx context.Context, c *Client) error {
			_, err := c.CreateSubscription(ctx, testSubscriptionInput)
			return err
		},
	},
	{
		name: "subscription get", method: "GET", path: "/api/v1/subscription/s1", auth: authHeader,
		status: 200, body: `{"_id": "s1"}`,
		call: func(ctx context.Context, c *Client) error {
			_, err := c.GetSubscription(ctx, "s1")
			return err
		},
	},
	{
		name: "subscription modify", method: "PUT", path: "/api/v1/subscription/s1", auth: authHeader,
		status: 204,
		call: func(ctx context.Context, c *Client) error {
			return c.ModifySubscription(ctx, "s1", testSubscriptionInput)
		},
	},
	{
		name: "subscription delete", method: "DELETE", path: "/api/v1/subscription/s1", auth: authHeader,
		status: 204,
		call: func(ctx context.Context, c *Client) error {
			return c.DeleteSubscription(ctx, "s1")
		},
	},
	{
		name: "session push", method: "POST", path: "/api/v1/websocket/session", auth: authHeader,
		status: 204,
		call: func(ctx context.Context, c *Client) error {
			return c.PushToSession(ctx, "s-1", json.RawMessage(`{"hello": "world"}`))
		},
	},
}

func TestEndpointsCredentialStyle(t *testing.T) {
	t.Parallel()

	variants := []struct {
		name  string
		ctx   func() context.Context
		creds Credentials
	}{
		{
			name:  "client default",
			ctx:   context.Background,
			creds: Credentials{testToken, testSecret},
		},
		{
			name: "context token without secret",
			ctx: func() context.Context {
				return WithCredentials(context.Background(), Credentials{AccessToken: "ctx-token"})
			},
			creds: Credentials{AccessToken: "ctx-token"},
		},
		{
			name: "context overrides default",
			ctx: func() context.Context {
				return WithCredentials(context.Background(), Credentials{"ctx-token", "ctx-secret"})
			},
			creds: Credentials{"ctx-token", "ctx-secret"},
		},
	}
	for _, ec := range endpointCases {
		for _, v := range variants {
			t.Run(ec.name+"/"+v.name, func(t *testing.T) {
				t.Parallel()

				var calls atomic.Int32
				c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					testMethod(t, r, ec.method)
					testPath(t, r, "/prefix"+ec.path)
					testCredentials(t, r, ec.auth, v.creds)
					w.WriteHeader(ec.status)
					_, _ = io.WriteString(w, ec.body)
				})
				if err := ec.call(v.ctx(), c); err != nil {
					t.Fatalf("call: %v", err)
				}
				if got := calls.Load(); got != 1 {
					t.Errorf("server saw %d requests, want 1", got)
				}
			})
		}
	}
}

func TestEndpointsWithoutDefaultCredentials(t *testing.T) {
	t.Parallel()

	for _, ec := range endpointCases {
		t.Run(ec.name, func(t *testing.T) {
			t.Parallel()

			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				testCredentials(t, r, ec.auth, Credentials{})
				w.WriteHeader(ec.status)
				_, _ = io.WriteString(w, ec.body)
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(srv.URL)
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			if err := ec.call(context.Background(), c); err != nil {
				t.Fatalf("call: %v", err)
			}
		})
	}
}

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()

	c, err := NewClient("")
	if err != nil {
		t.Fatalf("NewClient(\"\"): %v", err)
	}
	if got := c.BaseURL(); got != DefaultBaseURL {
		t.Errorf("BaseURL() = %q, want %q", got, DefaultBaseURL)
	}

	c, err = NewClient("http://127.0.0.1:1/prefix/")
	if err != nil {
		t.Fatalf("NewClient with a trailing slash: %v", err)
	}
	if got := c.BaseURL(); got != "http://127.0.0.1:1/prefix" {
		t.Errorf("BaseURL() = %q, want the prefix without its trailing slash", got)
	}

	for _, bad := range []string{"ftp://example.com", "://nope", "127.0.0.1:8080"} {
		if _, err := NewClient(bad); err == nil {
			t.Errorf("NewClient(%q) succeeded, want an error", bad)
		}
	}
}

func TestClientSendsUserAgent(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("User-Agent"); got != "gateway-test/1" {
			t.Errorf("User-Agent = %q, want %q", got, "gateway-test/1")
		}
		_, _ = io.WriteString(w, "[]")
	}, WithUserAgent("gateway-test/1"))

	if _, err := c.ListSubscriptions(context.Background()); err != nil {
		t.Fatalf("ListSubscriptions: %v", err)
	}
}

func TestCancelledCallReturnsContextError(t *testing.T) {
	t.Parallel()

	arrived := make(chan struct{})
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()

	_, err := c.CompanyByName(ctx, "IBM")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CompanyByName error = %v, want context.Canceled", err)
	}
	if err != context.Canceled {
		t.Errorf("CompanyByName error = %v, want ctx.Err() itself", err)
	}
}

func TestMalformedBodyIsDecodeError(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		body     string
		endpoint string
		call     func(c *Client) error
	}{
		{
			name: "company JSON", body: `[{"id": {}}]`, endpoint: "GET /api/v1/company/{name}",
			call: func(c *Client) error {
				_, err := c.CompanyByName(context.Background(), "IBM")
				return err
			},
		},
		{
			name: "event stream HTML", body: "<html>maintenance</html>", endpoint: "GET /api/v1/events/stream",
			call: func(c *Client) error {
				_, err := c.EventStream(context.Background(), EventStreamOptions{})
				return err
			},
		},
		{
			name: "empty subscription", body: "", endpoint: "GET /api/v1/subscription/{id}",
			call: func(c *Client) error {
				_, err := c.GetSubscription(context.Background(), "s1")
				return err
			},
		},
		{
			name: "events CSV JSON", body: `{"items": []}`, endpoint: "GET /api/v1/events/stream/csv",
			call: func(c *Client) error {
				_, err := c.EventsCSV(context.Background(), EventStreamOptions{})
				return err
			},
		},
		{
			name: "entity search JSON", body: `{"documents": []}`, endpoint: "GET /api/v2/documents/search",
			call: func(c *Client) error {
				_, err := c.SearchEntities(context.Background(), EntitySearchOptions{
					Term: "IBM", Sources: []string{"FT"}, DateFrom: testDate, DateTo: testDate,
				})
				return err
			},
		},
		{
			name: "document report JSON", body: `{"documents": []}`, endpoint: "GET /api/v1/documents/txt",
			call: func(c *Client) error {
				_, err := c.DocumentsReport(context.Background(), DocumentSearchOptions{Sources: []string{"FT"}})
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, tt.body)
			})
			err := tt.call(c)
			var decodeErr *DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("error = %v (%T), want a *DecodeError", err, err)
			}
			if decodeErr.Endpoint != tt.endpoint {
				t.Errorf("DecodeError.Endpoint = %q, want %q", decodeErr.Endpoint, tt.endpoint)
			}
			if !strings.Contains(err.Error(), tt.endpoint) {
				t.Errorf("error %q does not name the endpoint", err)
			}
		})
	}
}

func TestCancelWhileReadingBodyReturnsContextError(t *testing.T) {
	t.Parallel()

	flushed := make(chan struct{})
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `[{"id": "1009", "name": `)
		_ = http.NewResponseController(w).Flush()
		close(flushed)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-flushed
		cancel()
	}()

	_, err := c.CompanyByName(ctx, "IBM")
	if err != context.Canceled {
		t.Errorf("CompanyByName error = %v, want context.Canceled itself", err)
	}
}

func TestReadBodyRejectsOversizedBody(t *testing.T) {
	t.Parallel()

	cl := call{endpoint: endpointEventsCSV}
	_, err := readBody(cl, &countingReader{}, -1)
	var decodeErr *DecodeError
	if !errors.As(err, &decodeErr) {
		t.Fatalf("readBody of an endless body error = %v, want a *DecodeError", err)
	}
	if !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Errorf("error %q does not state the limit", err)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()

	var leaked atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
	}))
	t.Cleanup(elsewhere.Close)
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/collect", http.StatusFound)
	})

	_, err := c.CompanyByName(context.Background(), "IBM")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("CompanyByName error = %v, want an *APIError with status 302", err)
	}
	if !strings.Contains(apiErr.Message, "redirect") {
		t.Errorf("message %q does not say the request was redirected", apiErr.Message)
	}
	if n := leaked.Load(); n != 0 {
		t.Errorf("the redirect target received %d requests, want none", n)
	}
}
