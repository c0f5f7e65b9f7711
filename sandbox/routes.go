package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"
)

// authMode names the places a route reads credentials from.
type authMode int

const (
	authNone         authMode = iota // control endpoints: no credentials
	authHeader                       // X-API-AccessToken header; secret optional
	authQuery                        // accessToken query parameter or header; secret optional
	authHeaderSecret                 // both headers required
	authEitherSecret                 // header or query parameters, both required
)

// route is one method and path of the API.
type route struct {
	method  string
	pattern string // net/http pattern path, such as /api/v1/company/{name}
	area    string // the Account area, "" for control endpoints
	auth    authMode
	handle  http.HandlerFunc
}

// template is the endpoint name the stats count, such as
// "GET /api/v1/company/{name}".
func (rt route) template() string {
	return rt.method + " " + rt.pattern
}

func (s *Server) routeTable() []route {
	return []route{
		{"GET", companyPattern, "companies", authHeader, s.handleCompany},
		{"GET", "/api/v1/person", "people", authHeader, s.handlePersonSearch},
		{"GET", "/api/v1/person/enrich", "people", authHeader, s.handlePersonEnrich},
		{"GET", "/api/v1/events/stream", "events", authHeader, s.handleEventStream},
		{"GET", "/api/v1/events/stream/csv", "events", authQuery, s.handleEventsCSV},
		{"POST", "/api/v1/events/stream/search", "events", authQuery, s.handleEventSearch},
		{"GET", "/api/v1/valuelists", "events", authHeader, s.handleValueLists},
		{"GET", "/api/v1/documents/json", "documents", authQuery, s.handleDocumentsJSON},
		{"GET", "/api/v1/documents/txt", "documents", authQuery, s.handleDocumentsText},
		{"GET", "/api/v1/documents/search", "documents", authQuery, s.handleRemovedEntitySearch},
		{"GET", "/api/v2/documents/search", "documents", authQuery, s.handleEntitySearch},
		{"GET", "/api/v1/subscription", "subscriptions", authHeaderSecret, s.handleSubscriptionList},
		{"POST", "/api/v1/subscription", "subscriptions", authHeaderSecret, s.handleSubscriptionCreate},
		{"GET", "/api/v1/subscription/{id}", "subscriptions", authHeaderSecret, s.handleSubscriptionGet},
		{"PUT", "/api/v1/subscription/{id}", "subscriptions", authHeaderSecret, s.handleSubscriptionModify},
		{"DELETE", "/api/v1/subscription/{id}", "subscriptions", authHeaderSecret, s.handleSubscriptionDelete},
		{"GET", "/api/v1/websocket", "websocket", authEitherSecret, s.handleWebsocket},
		{"POST", "/api/v1/websocket/session", "websocket", authHeader, s.handleSessionPush},
		{"GET", "/_sandbox/faults", "", authNone, s.handleFaultsGet},
		{"POST", "/_sandbox/faults", "", authNone, s.handleFaultsSet},
		{"GET", "/_sandbox/stats", "", authNone, s.handleStatsGet},
		{"POST", "/_sandbox/stats/reset", "", authNone, s.handleStatsReset},
		{"POST", "/_sandbox/events", "", authNone, s.handleInjectEvent},
		{"GET", "/openapi.yaml", "", authNone, handleOpenAPI},
	}
}

// companyPattern is the route of the company endpoint.
const companyPattern = "/api/v1/company/{name}"

// slashOnlyCompanyName returns the name of a company request whose name is
// made of escaped slashes only, such as /api/v1/company/%2F. ServeMux
// matches the unescaped path, which ends in a slash, so such a request
// misses the company route.
func slashOnlyCompanyName(r *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v1/company/")
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	name, err := url.PathUnescape(rest)
	if err != nil || strings.Trim(name, "/") != "" {
		return "", false
	}
	return name, true
}

// routes builds the handler. Each path gets one mux entry that picks the
// route by method, so that a wrong method gets a JSON 405 like every other
// error.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	byPattern := map[string][]route{}
	var order []string
	for _, rt := range s.routeTable() {
		if _, ok := byPattern[rt.pattern]; !ok {
			order = append(order, rt.pattern)
		}
		byPattern[rt.pattern] = append(byPattern[rt.pattern], rt)
	}
	for _, pattern := range order {
		mux.Handle(pattern, s.dispatch(byPattern[pattern]))
	}
	company := s.dispatch(byPattern[companyPattern])
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if name, ok := slashOnlyCompanyName(r); ok {
			r.SetPathValue("name", name)
			company.ServeHTTP(w, r)
			return
		}
		writeError(w, http.StatusNotFound, "no endpoint at "+r.URL.Path+"; see /openapi.yaml for the paths served")
	})
	return rejectCrossOrigin(mux)
}

// rejectCrossOrigin refuses POST, PUT and DELETE requests that a browser
// sends from another origin, so that no web page can set faults, inject
// events or change trigger subscriptions through a visitor's browser.
// Clients that are not browsers send no Origin and pass.
func rejectCrossOrigin(next http.Handler) http.Handler {
	protection := http.NewCrossOriginProtection()
	protection.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden,
			"cross-origin "+r.Method+" rejected: call the sandbox from a server or from its own origin")
	}))
	return protection.Handler(next)
}

func (s *Server) dispatch(routes []route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := slices.IndexFunc(routes, func(rt route) bool { return rt.method == r.Method })
		if i < 0 {
			var allowed []string
			for _, rt := range routes {
				allowed = append(allowed, rt.method)
			}
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, http.StatusMethodNotAllowed,
				"method "+r.Method+" is not allowed on "+r.URL.Path+"; use "+strings.Join(allowed, " or "))
			return
		}
		s.serveRoute(w, r, routes[i])
	})
}

// serveRoute counts the request, applies injected faults and credentials,
// then calls the route's handler.
func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt route) {
	if rt.auth == authNone {
		rt.handle(w, r)
		return
	}
	s.stats.count(rt.template())

	if !s.injectFaults(w, r) {
		return
	}
	acct, ok := s.authenticate(w, r, rt)
	if !ok {
		return
	}
	if allowed, wait := s.faults.allow(acct.AccessToken, time.Now()); !allowed {
		w.Header().Set("Retry-After", retryAfterSeconds(wait))
		writeError(w, http.StatusTooManyRequests, "rate limit exceeded for this account; retry after the Retry-After seconds")
		return
	}
	rt.handle(w, r.WithContext(context.WithValue(r.Context(), accountKey{}, acct)))
}

// injectFaults adds the configured latency and fails the configured share
// of requests with an error response. It returns false when it wrote one.
func (s *Server) injectFaults(w http.ResponseWriter, r *http.Request) bool {
	if d := s.faults.latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		}
	}

	switch s.faults.injectedError() {
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "rate limit exceeded (injected fault); retry after the Retry-After seconds")
		return false
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "the service is offline for maintenance (injected fault); retry later")
		return false
	case http.StatusInternalServerError:
		writeError(w, http.StatusInternalServerError, "internal server error (injected fault); retry later")
		return false
	}
	return true
}

type accountKey struct{}

// accountFrom returns the authenticated account of a request.
func accountFrom(ctx context.Context) Account {
	acct, _ := ctx.Value(accountKey{}).(Account)
	return acct
}

// accountID is the stable, non-secret key under which an account's
// subscriptions and sessions are stored.
func accountID(acct Account) string {
	sum := sha256.Sum256([]byte(acct.AccessToken))
	return hex.EncodeToString(sum[:8])
}

// authenticate checks the request's credentials as the route reads them and
// writes a 401 or 403 response when they fail.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rt route) (Account, bool) {
	allowQuery := rt.auth == authQuery || rt.auth == authEitherSecret
	secretRequired := rt.auth == authHeaderSecret || rt.auth == authEitherSecret
	token := credential(r, "X-API-AccessToken", "accessToken", allowQuery)
	secret := credential(r, "X-API-SecretKey", "secretKey", allowQuery)

	where := "the X-API-AccessToken header"
	secretWhere := "the X-API-SecretKey header"
	if allowQuery {
		where += " or the accessToken query parameter"
		secretWhere += " or the secretKey query parameter"
	}

	acct, known := s.accounts[token]
	switch {
	case token == "":
		writeError(w, http.StatusUnauthorized, "missing access token: send it in "+where)
	case !known:
		writeError(w, http.StatusUnauthorized, "unknown access token: send the token issued for your account in "+where)
	case secret == "" && secretRequired:
		writeError(w, http.StatusUnauthorized, "missing secret key: this endpoint needs it in "+secretWhere)
	case secret != "" && secret != acct.SecretKey:
		writeError(w, http.StatusUnauthorized, "wrong secret key for this access token: send the account's key in "+secretWhere)
	case len(acct.Areas) > 0 && !slices.Contains(acct.Areas, rt.area):
		writeError(w, http.StatusForbidden, "this account may not use the "+rt.area+
			" endpoints; it is limited to "+strings.Join(acct.Areas, ", "))
	default:
		return acct, true
	}
	return Account{}, false
}

// credential reads a header, falling back to a query parameter when the
// route accepts one; the header wins when both are present.
func credential(r *http.Request, header, param string, allowQuery bool) string {
	if v := r.Header.Get(header); v != "" {
		return v
	}
	if allowQuery {
		return r.URL.Query().Get(param)
	}
	return ""
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Status  int    `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, errorBody{Status: status, Error: http.StatusText(status), Message: message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.MarshalWithOption(v, json.DisableHTMLEscape())
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"status":500,"error":"Internal Server Error","message":"encoding the response failed"}`)
	}
	writeJSONBody(w, status, append(body, '\n'))
}

// writeJSONBody sends body, which is JSON, with the given status.
func writeJSONBody(w http.ResponseWriter, status int, body []byte) {
	// A declared length spares the client chunked decoding and lets it
	// size its buffer at once.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeText(w http.ResponseWriter, contentType, text string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(text))
}

// handleRemovedEntitySearch serves the v1 path of the entity search, which
// the vendor replaced with /api/v2/documents/search.
func (s *Server) handleRemovedEntitySearch(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusGone, "GET /api/v1/documents/search was removed; use GET /api/v2/documents/search")
}
