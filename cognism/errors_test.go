package cognism

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestErrorStatusTable(t *testing.T) {
	t.Parallel()

	tests := []struct {
		status     int
		title      string
		kind       error
		retryAfter string
		wantAfter  time.Duration
	}{
		{400, "Bad Request", ErrBadRequest, "", 0},
		{401, "Unauthorized", ErrUnauthorized, "", 0},
		{403, "Forbidden", ErrForbidden, "", 0},
		{404, "Not Found", ErrNotFound, "", 0},
		{405, "Method Not Allowed", nil, "", 0},
		{406, "Not Acceptable", ErrBadRequest, "", 0},
		{410, "Gone", ErrNotFound, "", 0},
		{429, "Too Many Requests", ErrRateLimited, "7", 7 * time.Second},
		{500, "Internal Server Error", ErrServer, "", 0},
		{503, "Service Unavailable", ErrUnavailable, "120", 2 * time.Minute},
	}
	kinds := []error{
		ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrUnavailable, ErrServer,
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()

			message := fmt.Sprintf("status %d for %s", tt.status, testToken)
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				fmt.Fprintf(w, `{"status": %d, "error": %q, "message": %q}`, tt.status, tt.title, message)
			}, WithRetryPolicy(NoRetry))

			_, err := c.EventsCSVText(context.Background(), EventStreamOptions{Rule: Rule{Values("org", "AT&T")}})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v (%T), want an *APIError", err, err)
			}
			for _, kind := range kinds {
				if got, want := errors.Is(err, kind), kind == tt.kind; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", kind, got, want)
				}
			}
			if apiErr.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tt.status)
			}
			if apiErr.Title != tt.title {
				t.Errorf("Title = %q, want %q", apiErr.Title, tt.title)
			}
			if want := fmt.Sprintf("status %d for REDACTED", tt.status); apiErr.Message != want {
				t.Errorf("Message = %q, want %q", apiErr.Message, want)
			}
			if apiErr.RetryAfter != tt.wantAfter {
				t.Errorf("RetryAfter = %v, want %v", apiErr.RetryAfter, tt.wantAfter)
			}
			if apiErr.Method != "GET" {
				t.Errorf("Method = %q, want GET", apiErr.Method)
			}
			wantPath := "/prefix/api/v1/events/stream/csv?accessToken=REDACTED&rule=org%3DAT%26T&secretKey=REDACTED"
			if apiErr.Path != wantPath {
				t.Errorf("Path = %q, want %q", apiErr.Path, wantPath)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tt.status)) {
				t.Errorf("error %q does not name the status", err)
			}
			assertNoSecrets(t, err)
		})
	}
}

func TestCheckResponseBodies(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		body        string
		wantTitle   string
		wantMessage string
		wantText    string
	}{
		{"empty", "", "", "", "502 Bad Gateway"},
		{"plain text", "  upstream timed out \n", "", "upstream timed out", "upstream timed out"},
		{"HTML", "<html><body>Bad gateway</body></html>", "", "<html><body>Bad gateway</body></html>", "<html>"},
		{"JSON without fields", `{"status": 502}`, "", "", "502 Bad Gateway"},
		{"JSON title only", `{"error": "Bad Gateway"}`, "Bad Gateway", "", "Bad Gateway"},
		{"JSON array", `["x"]`, "", `["x"]`, `["x"]`},
		{"long text", strings.Repeat("é", 400), "", strings.Repeat("é", 150) + "...", "é..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resp := &http.Response{
				StatusCode: http.StatusBadGateway,
				Header:     http.Header{},
				Body:       io.NopCloser(strings.NewReader(tt.body)),
				Request:    httptest.NewRequest("GET", "http://127.0.0.1/api/v1/person?company=IBM", nil),
			}
			err := CheckResponse(resp)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("CheckResponse = %v, want an *APIError", err)
			}
			if apiErr.Title != tt.wantTitle {
				t.Errorf("Title = %q, want %q", apiErr.Title, tt.wantTitle)
			}
			if apiErr.Message != tt.wantMessage {
				t.Errorf("Message = %q, want %q", apiErr.Message, tt.wantMessage)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Error() = %q, want it to contain %q", err, tt.wantText)
			}
			if apiErr.Path != "/api/v1/person?company=IBM" {
				t.Errorf("Path = %q, want the request path and query", apiErr.Path)
			}
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("errors.Is(%v, ErrUnavailable) = false, want true for 502", err)
			}
		})
	}
}

// countingReader returns an endless stream of 'x' and counts what it gave.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	r.n += len(p)
	return len(p), nil
}

func TestCheckResponseReadsAtMostOneMiB(t *testing.T) {
	t.Parallel()

	body := &countingReader{}
	resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(body)}
	err := CheckResponse(resp)
	if err == nil {
		t.Fatal("CheckResponse of a 500 returned nil")
	}
	if body.n > 1<<20 {
		t.Errorf("CheckResponse read %d bytes, want at most %d", body.n, 1<<20)
	}
	if len(err.Error()) > 400 {
		t.Errorf("error text is %d bytes long, want the body cut short", len(err.Error()))
	}
}

func TestCheckResponseAcceptsSuccess(t *testing.T) {
	t.Parallel()

	for _, status := range []int{200, 201, 204, 299} {
		resp := &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("x"))}
		if err := CheckResponse(resp); err != nil {
			t.Errorf("CheckResponse(%d) = %v, want nil", status, err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 10 ":                          10 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Fri, 02 Jan 2026 03:04:35 GMT": 30 * time.Second,
		"Fri, 02 Jan 2026 03:00:00 GMT": 0,
	}
	for value, want := range tests {
		if got := parseRetryAfter(value, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", value, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()

	tests := map[string]string{
		"http://h/api/v1/documents/json?source=FT&accessToken=tok&secretKey=sec": "/api/v1/documents/json?accessToken=REDACTED&secretKey=REDACTED&source=FT",
		"http://h/api/v1/company/AC%2FDC":                                        "/api/v1/company/AC%2FDC",
		"http://h/api/v1/person?company=AT%26T":                                  "/api/v1/person?company=AT%26T",
		"http://h/x?accessToken=a&accessToken=b":                                 "/x?accessToken=REDACTED",
	}
	for raw, want := range tests {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("url.Parse(%q): %v", raw, err)
		}
		if got := RedactURL(u); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
	if got := RedactURL(nil); got != "" {
		t.Errorf("RedactURL(nil) = %q, want empty", got)
	}
}

func TestTransportErrorHidesQueryCredentials(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c, err := NewClient(base, WithDefaultCredentials(Credentials{testToken, testSecret}), WithRetryPolicy(fastRetry))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}

	_, err = c.SearchDocuments(context.Background(), DocumentSearchOptions{Sources: []string{"FT"}})
	if err == nil {
		t.Fatal("SearchDocuments against a closed port succeeded")
	}
	assertNoSecrets(t, err)
	host := strings.TrimPrefix(base, "http://")
	want := "cognism: GET /api/v1/documents/json at " + host + ": connection refused after 4 attempts"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %q does not unwrap to ECONNREFUSED", err)
	}
	var transportErr *TransportError
	if !errors.As(err, &transportErr) {
		t.Fatalf("error %T is not a *TransportError", err)
	}
	if transportErr.Attempts != 4 {
		t.Errorf("Attempts = %d, want 4", transportErr.Attempts)
	}
}

func TestTransportErrorTimeout(t *testing.T) {
	t.Parallel()

	hc := &http.Client{Timeout: 200 * time.Millisecond}
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}, WithHTTPClient(hc), WithRetryPolicy(NoRetry))

	_, err := c.CompanyByName(context.Background(), "IBM")
	want := "cognism: GET /api/v1/company/{name} at "
	if !strings.HasPrefix(fmt.Sprint(err), want) || !strings.HasSuffix(fmt.Sprint(err), ": timed out") {
		t.Errorf("error = %q, want %q followed by the host and \": timed out\"", err, want)
	}
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("error %v is not a net.Error that timed out", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not unwrap to context.DeadlineExceeded", err)
	}
}

func TestDecodeErrorUnwraps(t *testing.T) {
	t.Parallel()

	inner := errors.New("unexpected end")
	err := error(&DecodeError{Endpoint: "GET /api/v1/person", Err: inner})
	if !errors.Is(err, inner) {
		t.Error("DecodeError does not unwrap to its cause")
	}
	if got := err.Error(); got != "cognism: malformed response from GET /api/v1/person: unexpected end" {
		t.Errorf("Error() = %q", got)
	}
}

func TestBodyReadTimeoutIsTransportError(t *testing.T) {
	t.Parallel()

	hc := &http.Client{Timeout: 200 * time.Millisecond}
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "[")
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}, WithHTTPClient(hc), WithRetryPolicy(NoRetry))

	_, err := c.CompanyByName(context.Background(), "IBM")
	var decodeErr *DecodeError
	if errors.As(err, &decodeErr) {
		t.Errorf("error %q calls a cut-off body malformed", err)
	}
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || !transportErr.Timeout() {
		t.Errorf("error %v is not a *TransportError that timed out", err)
	}
}

func TestRedactCredentialsWholeWordsOnly(t *testing.T) {
	req := httptest.NewRequest("GET", "http://h/x?secretKey=query-secret-1", nil)
	req.Header.Set("X-API-AccessToken", "sandbox-access-token")
	req.Header.Set("X-API-SecretKey", "e")

	tests := []struct{ in, want string }{
		{`token sandbox-access-token is unknown`, `token REDACTED is unknown`},
		{`unknown field "sandbox-access-token"`, `unknown field "REDACTED"`},
		{`secret query-secret-1`, `secret REDACTED`},
		{`unknown field "xsandbox-access-tokenx"`, `unknown field "xsandbox-access-tokenx"`},
		{`prefix-sandbox-access-token`, `prefix-sandbox-access-token`},
		{`unknown access token`, `unknown access token`},
	}
	for _, tt := range tests {
		if got := redactCredentials(tt.in, req); got != tt.want {
			t.Errorf("redactCredentials(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
