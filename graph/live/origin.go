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

// NewOriginPolicy returns the policy for a list of allowed origins.
func NewOriginPolicy(allowed []string) OriginPolicy {
	var p OriginPolicy
	for _, item := range allowed {
		if item = strings.TrimSpace(item); item != "" {
			p.Allowed = append(p.Allowed, strings.TrimRight(strings.ToLower(item), "/"))
		}
	}
	return p
}

// ParseOrigins reads a comma-separated ALLOWED_ORIGINS value.
func ParseOrigins(value string) []string {
	var out []string
	for _, item := range strings.Split(value, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
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

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
