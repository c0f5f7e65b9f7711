package sandbox

import (
	"net/http"
	"testing"
)

func newValidatingTransport(t *testing.T) http.RoundTripper { return http.DefaultTransport }
