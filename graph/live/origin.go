package live

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
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

// ParseOrigins reads a comma-separated ALLOWED_ORIGINS value. Each item is
// "*", which allows any origin, or an origin such as https://dash.example.com:
// a scheme and a host with an optional port, and no path.
func ParseOrigins(value string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if item != "*" && !isOrigin(item) {
			return nil, fmt.Errorf("invalid origin %q: expected a scheme and host such as "+
				"https://dash.example.com, with no path, or * for any origin", item)
		}
		out = append(out, item)
	}
	return out, nil
}

// isOrigin reports whether s is a scheme and a host, with a valid port or
// none, and nothing else. Wildcard hosts such as https://*.example.com
// never match an Origin header, so they are not origins either.
func isOrigin(s string) bool {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" ||
		strings.Contains(u.Host, "*") {
		return false
	}
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		return err == nil && n > 0 && n <= 65535
	}
	return true
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
