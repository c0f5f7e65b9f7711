package graph

import (
	"net/http"

	"github.com/rs/cors"

	"github.com/cognism/graphql-gateway/graph/live"
)

// corsMaxAge is the time, in seconds, a browser may reuse a preflight
// response.
const corsMaxAge = 600

// corsHeaders are the request headers a browser may send from another
// origin: the body's type and the credentials.
var corsHeaders = []string{"Content-Type", "Accept", "X-API-AccessToken", "X-API-SecretKey"}

// withCORS responds to CORS preflight requests and lets browser apps on the
// origins of cfg.AllowedOrigins read the responses, so a frontend served
// from another origin can query the gateway.
func withCORS(cfg *Config, next http.Handler) http.Handler {
	origins := live.NewOriginPolicy(cfg.AllowedOrigins)
	policy := cors.New(cors.Options{
		AllowOriginRequestFunc: func(r *http.Request, _ string) bool { return origins.Allow(r) },
		AllowedMethods:         []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:         corsHeaders,
		MaxAge:                 corsMaxAge,
	})
	return policy.Handler(next)
}
