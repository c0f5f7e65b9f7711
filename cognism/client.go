package cognism

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	json "github.com/goccy/go-json"
)

// DefaultBaseURL is the vendor's production API.
const DefaultBaseURL = "http://api.cognism.io"

// maxBody caps how much of a success response body is read.
const maxBody = 64 << 20

// Credentials are the two secrets the vendor issues to an account.
type Credentials struct {
	AccessToken string
	SecretKey   string
}

// IsZero reports whether neither credential is set.
func (c Credentials) IsZero() bool {
	return c.AccessToken == "" && c.SecretKey == ""
}

type credentialsKey struct{}

// WithCredentials returns a context whose calls use creds instead of the
// client's default credentials.
func WithCredentials(ctx context.Context, creds Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, creds)
}

// CredentialsFromContext returns the credentials set by WithCredentials.
func CredentialsFromContext(ctx context.Context) (Credentials, bool) {
	creds, ok := ctx.Value(credentialsKey{}).(Credentials)
	return creds, ok
}

// Client calls the Cognism REST API. It is safe for concurrent use.
type Client struct {
	baseURL *url.URL
	// base and basePath are baseURL as a string and its escaped path,
	// computed once rather than on every call.
	base, basePath string
	httpClient     *http.Client
	credentials    Credentials
	retry          RetryPolicy
	userAgent      string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client used for every call. The client uses
// a copy that follows no redirects.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.httpClient = hc }
}

// WithDefaultCredentials sets the credentials used when the context carries
// none.
func WithDefaultCredentials(creds Credentials) Option {
	return func(c *Client) { c.credentials = creds }
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) { c.retry = p }
}

// WithUserAgent sets the User-Agent header of every call.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// NewClient returns a client for the API at baseURL, which may carry a path
// prefix (such as http://127.0.0.1:8080/sandbox). An empty baseURL means
// DefaultBaseURL.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("cognism: invalid base URL %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("cognism: invalid base URL %q: scheme must be http or https", baseURL)
	}

	c := &Client{
		baseURL:    u,
		base:       u.String(),
		basePath:   u.EscapedPath(),
		httpClient: http.DefaultClient,
		retry:      DefaultRetryPolicy,
		userAgent:  "cognism-graphql-gateway",
	}
	for _, opt := range opts {
		opt(c)
	}
	c.httpClient = withoutRedirects(c.httpClient)
	return c, nil
}

// withoutRedirects returns a copy of hc that returns a redirect response
// instead of following it. A redirect would carry the credential headers
// and query parameters to whatever host it names, and the API has none.
func withoutRedirects(hc *http.Client) *http.Client {
	out := *hc
	out.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &out
}

// BaseURL returns the API base URL the client calls.
func (c *Client) BaseURL() string {
	return c.baseURL.String()
}

// credentialsFor returns the context's credentials, else the default.
func (c *Client) credentialsFor(ctx context.Context) Credentials {
	if creds, ok := CredentialsFromContext(ctx); ok && !creds.IsZero() {
		return creds
	}
	return c.credentials
}

// authStyle is the place an endpoint reads credentials from: headers or
// query parameters.
type authStyle int

const (
	authHeader authStyle = iota // X-API-AccessToken / X-API-SecretKey headers
	authQuery                   // accessToken / secretKey query parameters
)

// endpoint describes one upstream operation.
type endpoint struct {
	method   string
	template string // such as "/api/v1/company/{name}", for error messages
	auth     authStyle
}

func (e endpoint) String() string {
	return e.method + " " + e.template
}

// call is one request to send: the endpoint, its escaped path and its query.
type call struct {
	endpoint
	path  string // escaped path below the base URL
	query url.Values
	body  any // JSON-encoded when not nil
}

// newRequest builds the HTTP request for a call with the context's
// credentials applied in the endpoint's style.
func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	u := *c.baseURL
	u.RawPath = c.basePath + cl.path
	unescaped, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return nil, fmt.Errorf("cognism: invalid path %q: %w", cl.path, err)
	}
	u.Path = unescaped

	query := url.Values{}
	for k, v := range cl.query {
		query[k] = v
	}
	creds := c.credentialsFor(ctx)
	if cl.auth == authQuery {
		setIfPresent(query, "accessToken", creds.AccessToken)
		setIfPresent(query, "secretKey", creds.SecretKey)
	}
	u.RawQuery = query.Encode()

	var body io.Reader
	if cl.body != nil {
		data, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("cognism: encoding body of %s: %w", cl.endpoint, err)
		}
		body = bytes.NewReader(data)
	}

	// The request is made for the base URL and then given the call's URL,
	// which is built already, rather than printing it and parsing it back.
	req, err := http.NewRequestWithContext(ctx, cl.method, c.base, body)
	if err != nil {
		return nil, fmt.Errorf("cognism: building %s: %w", cl.endpoint, redactError(err))
	}
	req.URL = &u
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json, text/plain, text/csv")
	req.Header.Set("User-Agent", c.userAgent)
	if cl.auth == authHeader {
		setHeaderIfPresent(req.Header, "X-API-AccessToken", creds.AccessToken)
		setHeaderIfPresent(req.Header, "X-API-SecretKey", creds.SecretKey)
	}
	return req, nil
}

func setIfPresent(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

func setHeaderIfPresent(h http.Header, key, value string) {
	if value != "" {
		h.Set(key, value)
	}
}

// do sends a call under the retry policy and returns the body of its 2xx
// response. A body cut short by the network counts as a failed attempt.
// When the context ends, do returns its error at once, whatever the last
// attempt returned.
func (c *Client) do(ctx context.Context, cl call) ([]byte, error) {
	policy := retryPolicyFor(ctx, c.retry)
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		body, apiErr, transportErr, err := c.attempt(ctx, cl)
		if err != nil {
			return nil, err
		}
		if apiErr == nil && transportErr == nil {
			return body, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}

		var status int
		var retryAfter time.Duration
		failure := transportErr
		if apiErr != nil {
			status, retryAfter, failure = apiErr.StatusCode, apiErr.RetryAfter, apiErr
		}
		if !policy.shouldRetry(ctx, cl.method, attempt, status, transportErr) {
			return nil, c.finalError(cl, attempt, failure)
		}
		delay, ok := policy.delay(ctx, attempt, retryAfter, waited)
		if !ok {
			return nil, c.finalError(cl, attempt, failure)
		}
		if err := sleep(ctx, delay); err != nil {
			return nil, err
		}
		waited += delay
	}
}

// attempt sends a call once and returns the body of a 2xx response, the
// *APIError of any other response, or the transport error of a call that
// got no response or whose body was cut short. err is a failure that no
// retry can fix.
func (c *Client) attempt(ctx context.Context, cl call) (body []byte, apiErr *APIError, transportErr, err error) {
	req, err := c.newRequest(ctx, cl)
	if err != nil {
		return nil, nil, nil, err
	}
	resp, apiErr, transportErr := c.send(req)
	if apiErr != nil || transportErr != nil {
		return nil, apiErr, transportErr, nil
	}
	defer resp.Body.Close()

	body, err = readBody(cl, resp.Body, resp.ContentLength)
	var tooLarge *DecodeError
	if errors.As(err, &tooLarge) {
		return nil, nil, nil, err
	}
	if err != nil {
		return nil, nil, err, nil
	}
	return body, nil, nil, nil
}

// readBody reads a success body of at most maxBody bytes, or returns a
// *DecodeError for a larger one. A known length sizes the buffer at once.
func readBody(cl call, body io.Reader, length int64) ([]byte, error) {
	size := 0
	if length >= 0 && length <= maxBody {
		size = int(length) + bytes.MinRead
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(io.LimitReader(body, maxBody+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if len(data) > maxBody {
		return nil, &DecodeError{
			Endpoint: cl.endpoint.String(),
			Err:      fmt.Errorf("body is larger than %d MiB", maxBody>>20),
		}
	}
	return data, nil
}

// send makes one attempt and returns the 2xx response, the *APIError of
// any other response, or the transport error.
func (c *Client) send(req *http.Request) (*http.Response, *APIError, error) {
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	checkErr := CheckResponse(resp)
	if checkErr == nil {
		return resp, nil, nil
	}
	resp.Body.Close()

	var apiErr *APIError
	errors.As(checkErr, &apiErr)
	return nil, apiErr, nil
}

// finalError returns an *APIError as it is and turns a transport error into
// a *TransportError, which shows no URL and so no credential.
func (c *Client) finalError(cl call, attempts int, err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	return newTransportError(cl.endpoint, c.baseURL.Host, attempts, err)
}

// getJSON sends a call and decodes its JSON body into out; a nil out
// discards the body.
func (c *Client) getJSON(ctx context.Context, cl call, out any) error {
	data, err := c.do(ctx, cl)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &DecodeError{Endpoint: cl.endpoint.String(), Err: err}
	}
	return nil
}

// getText sends a call and returns its body as text.
func (c *Client) getText(ctx context.Context, cl call) (string, error) {
	data, err := c.do(ctx, cl)
	if err != nil {
		return "", err
	}
	return string(data), nil
}
