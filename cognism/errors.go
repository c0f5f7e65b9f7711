package cognism

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// maxErrorBody caps how much of an error response body is read.
const maxErrorBody = 1 << 20

// Error kinds that an *APIError matches with errors.Is.
var (
	ErrBadRequest   = errors.New("cognism: bad request")
	ErrUnauthorized = errors.New("cognism: unauthorized")
	ErrForbidden    = errors.New("cognism: forbidden")
	ErrNotFound     = errors.New("cognism: not found")
	ErrRateLimited  = errors.New("cognism: rate limited")
	ErrUnavailable  = errors.New("cognism: upstream unavailable")
	ErrServer       = errors.New("cognism: upstream server error")
)

// APIError is a non-2xx response from the Cognism API.
type APIError struct {
	StatusCode int           // HTTP status code
	Title      string        // the "error" field of the body, such as "Unauthorized"
	Message    string        // the "message" field of the body, or its text
	RetryAfter time.Duration // from the Retry-After header; zero when absent
	Method     string
	Path       string // request path and query with credentials removed
}

// Error describes the failed call without any credential.
func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Title
	}
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("cognism: %s %s: %d %s", e.Method, e.Path, e.StatusCode, msg)
}

// Is reports whether the error is of the given kind, so that
// errors.Is(err, ErrNotFound) holds for a 404.
func (e *APIError) Is(target error) bool {
	kind := e.Kind()
	return kind != nil && kind == target
}

// Kind returns the sentinel error for the status, or nil for statuses with
// no kind of their own.
func (e *APIError) Kind() error {
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusNotAcceptable:
		return ErrBadRequest
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound, http.StatusGone:
		return ErrNotFound
	case http.StatusTooManyRequests:
		return ErrRateLimited
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return ErrUnavailable
	}
	if e.StatusCode >= 500 {
		return ErrServer
	}
	return nil
}

// DecodeError is a 2xx response whose body could not be read as the
// endpoint's documented format.
type DecodeError struct {
	Endpoint string // such as "GET /api/v1/company/{name}"
	Err      error
}

// Error names the endpoint and the decoding failure.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("cognism: malformed response from %s: %v", e.Endpoint, e.Err)
}

// Unwrap returns the underlying decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// TransportError is a call that got no HTTP response: the connection was
// refused, reset or closed, the lookup of the host failed, or the attempt
// timed out. Its text names the endpoint template and the host, never the
// request URL, so it carries no credential.
type TransportError struct {
	Endpoint string // such as "GET /api/v1/company/{name}"
	Host     string // host and port of the API
	Attempts int    // tries made, the first included
	Err      error  // the last attempt's failure, without the request URL
}

// Error describes the failure in plain words, such as "cognism: GET
// /api/v1/company/{name} at 127.0.0.1:9090: connection refused".
func (e *TransportError) Error() string {
	msg := fmt.Sprintf("cognism: %s at %s: %s", e.Endpoint, e.Host, describeTransportFailure(e.Err))
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return msg
}

// Unwrap returns the underlying network error.
func (e *TransportError) Unwrap() error { return e.Err }

// Timeout reports whether the last attempt timed out. With Temporary it
// makes a TransportError a net.Error, as the *url.Error it replaces was.
func (e *TransportError) Timeout() bool {
	var netErr net.Error
	return errors.As(e.Err, &netErr) && netErr.Timeout()
}

// Temporary returns false. It exists only to satisfy net.Error.
func (e *TransportError) Temporary() bool { return false }

// newTransportError wraps the error of a request that got no response.
func newTransportError(ep endpoint, host string, attempts int, err error) *TransportError {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return &TransportError{Endpoint: ep.String(), Host: host, Attempts: attempts, Err: err}
}

// describeTransportFailure names a network failure in plain words, falling
// back to the error's own text.
func describeTransportFailure(err error) string {
	var netErr net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return "host lookup failed: " + dnsErr.Err
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server before a response"
	}
	return err.Error()
}

// CheckResponse returns nil for a 2xx response and an *APIError otherwise.
// It reads at most 1 MiB of the body and copes with empty and non-JSON
// bodies. The caller still closes the body.
func CheckResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}

	apiErr := &APIError{StatusCode: resp.StatusCode}
	if req := resp.Request; req != nil {
		apiErr.Method = req.Method
		apiErr.Path = RedactURL(req.URL)
	}
	apiErr.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())

	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var parsed struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &parsed); err == nil {
		apiErr.Title = parsed.Error
		apiErr.Message = parsed.Message
	} else {
		apiErr.Message = strings.TrimSpace(string(body))
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		apiErr.Message = "the API redirected the request, and redirects are not followed " +
			"because they would send the credentials elsewhere; check the base URL"
	}

	// A server may echo a credential back, as in "unknown token tok-123",
	// so credentials go before the text is cut short.
	if req := resp.Request; req != nil {
		apiErr.Title = redactCredentials(apiErr.Title, req)
		apiErr.Message = redactCredentials(apiErr.Message, req)
	}
	apiErr.Title = truncate(apiErr.Title, 300)
	apiErr.Message = truncate(apiErr.Message, 300)
	return apiErr
}

// redactCredentials replaces each credential that req carried wherever it
// appears as a whole word in s, such as in an upstream message that echoes
// the token back. Parts of longer words and values shorter than
// minRedactedLength are left alone, because a plain substring replacement
// garbles messages for short credentials. It would also confirm any guess
// of a credential that a caller embedded in a longer word of their input.
func redactCredentials(s string, req *http.Request) string {
	if s == "" {
		return s
	}
	values := []string{req.Header.Get("X-API-AccessToken"), req.Header.Get("X-API-SecretKey")}
	if req.URL != nil {
		q := req.URL.Query()
		for _, name := range credentialParams {
			values = append(values, q[name]...)
		}
	}
	for _, v := range values {
		if len(v) >= minRedactedLength {
			s = replaceWholeWord(s, v, "REDACTED")
		}
	}
	return s
}

// minRedactedLength is the shortest credential value that is redacted from
// upstream messages; shorter values are not real credentials.
const minRedactedLength = 8

// replaceWholeWord replaces the occurrences of word in s that no word
// character (letter, digit, '-' or '_') touches on either side.
func replaceWholeWord(s, word, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, word)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(word)
		whole := (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end]))
		b.WriteString(s[:i])
		if whole {
			b.WriteString(with)
		} else {
			b.WriteString(word)
		}
		s = s[end:]
	}
}

func isWordByte(c byte) bool {
	return c == '-' || c == '_' || c >= 0x80 ||
		(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.Atoi(value); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// credentialParams are the query parameters that carry credentials.
var credentialParams = []string{"accessToken", "secretKey"}

// RedactURL returns the path and query of u with credential parameters
// replaced by "REDACTED", for error messages and logs.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	q := u.Query()
	changed := false
	for _, name := range credentialParams {
		if q.Has(name) {
			q.Set(name, "REDACTED")
			changed = true
		}
	}
	path := u.EscapedPath()
	if len(q) == 0 {
		return path
	}
	if !changed {
		return path + "?" + u.RawQuery
	}
	return path + "?" + q.Encode()
}

// redactError removes credentials from the URL inside a transport error,
// because *url.Error prints the full request URL.
func redactError(err error) error {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		return err
	}
	u, perr := url.Parse(urlErr.URL)
	if perr != nil {
		// A URL that does not parse cannot be redacted, so none is shown.
		return &url.Error{Op: urlErr.Op, URL: "(URL hidden)", Err: urlErr.Err}
	}
	return &url.Error{Op: urlErr.Op, URL: u.Scheme + "://" + u.Host + RedactURL(u), Err: urlErr.Err}
}

// truncate cuts s to at most n bytes, at a rune boundary, marking the cut
// with "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
