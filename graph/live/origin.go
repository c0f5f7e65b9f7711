package live

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// OriginPolicy decides which browser origins may open a websocket. A
// request without an Origin header comes from a non-browser client and is
// allowed, because the header exists to protect browser sessions.
type OriginPolicy struct {
	// Allowed lists origins such as https://dash.example.com, or "*" for
	// any. Empty means the same origin and localhost on any port. The same
	// origin is always allowed.
	Allowed []string
}

// ParseOrigins reads a comma-separated ALLOWED_ORIGINS value.
func ParseOrigins(value string) OriginPolicy {
	var p OriginPolicy
	for _, item := range strings.Split(value, ",") {
		if item = strings.TrimSpace(item); item != "" {
			p.Allowed = append(p.Allowed, strings.TrimRight(strings.ToLower(item), "/"))
		}
	}
	return p
}

// Allow reports whether r's origin may open a websocket.
func (p OriginPolicy) Allow(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if len(p.Allowed) == 0 {
		return isLoopbackHost(u.Hostname())
	}
	want := strings.ToLower(u.Scheme + "://" + u.Host)
	for _, allowed := range p.Allowed {
		if allowed == "*" || allowed == want {
			return true
		}
	}
	return false
}

// Handler wraps next so that a websocket upgrade from a disallowed origin
// is answered 403 before it reaches the GraphQL handler.
func (p OriginPolicy) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isUpgrade(r) && !p.Allow(r) {
			http.Error(w, "websocket origin not allowed; add it to ALLOWED_ORIGINS", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
