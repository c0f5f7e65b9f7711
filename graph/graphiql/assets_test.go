package graphiql

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// serveAsset sends one request with the given headers to a fresh Handler.
func serveAsset(t *testing.T, method, name string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, Prefix+name, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec.Result()
}

func readBody(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestAssetsServedWithTypesAndCaching(t *testing.T) {
	tests := []struct {
		name         string
		contentType  string
		cacheControl string
	}{
		{"graphiql-4.1.2.min.js", "text/javascript; charset=utf-8", immutableCache},
		{"graphiql-4.1.2.min.css", "text/css; charset=utf-8", immutableCache},
		{"react-18.3.1.production.min.js", "text/javascript; charset=utf-8", immutableCache},
		{"react-dom-18.3.1.production.min.js", "text/javascript; charset=utf-8", immutableCache},
		{"LICENSE-graphiql", "text/plain; charset=utf-8", "no-cache"},
		{"LICENSE-react", "text/plain; charset=utf-8", "no-cache"},
		{"LICENSE-react-dom", "text/plain; charset=utf-8", "no-cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serveAsset(t, http.MethodGet, tt.name, nil)
			body := readBody(t, resp)

			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := resp.Header.Get("Cache-Control"); got != tt.cacheControl {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cacheControl)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			want, err := os.ReadFile("static/" + tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("body differs from static/%s (%d bytes, want %d)", tt.name, len(body), len(want))
			}
		})
	}
}

func TestAssetsBundleSubscriptionClient(t *testing.T) {
	body := readBody(t, serveAsset(t, http.MethodGet, "graphiql-4.1.2.min.js", nil))

	// createFetcher opens subscriptions on subscriptionUrl with the bundled graphql-ws client,
	// so a build without it would need graphql-ws loaded as a separate script.
	for _, want := range []string{"createFetcher", "graphql-transport-ws", "subscriptionUrl"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("graphiql.min.js lacks %q", want)
		}
	}
}

func TestAssetsGzipWhenAccepted(t *testing.T) {
	name := "graphiql-4.1.2.min.js"
	plain := serveAsset(t, http.MethodGet, name, nil)
	plainBody := readBody(t, plain)
	resp := serveAsset(t, http.MethodGet, name, map[string]string{"Accept-Encoding": "br, gzip"})

	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", got)
	}
	if got, plainTag := resp.Header.Get("ETag"), plain.Header.Get("ETag"); got == plainTag {
		t.Errorf("gzip ETag %s equals the identity ETag", got)
	}
	if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("Vary = %q, want Accept-Encoding", got)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, plainBody) {
		t.Errorf("gunzipped body differs from the identity body (%d bytes, want %d)",
			len(body), len(plainBody))
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"deflate, GZIP", true},
		{"gzip;q=0.5", true},
		{"gzip; q=1.0", true},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"br, deflate", false},
		{"x-gzip", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestAssetsRevalidateWithETag(t *testing.T) {
	name := "react-18.3.1.production.min.js"
	etag := serveAsset(t, http.MethodGet, name, nil).Header.Get("ETag")
	if etag == "" {
		t.Fatal("response has no ETag")
	}

	resp := serveAsset(t, http.MethodGet, name, map[string]string{"If-None-Match": etag})

	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("status with a matching If-None-Match = %d, want 304", resp.StatusCode)
	}
}

func TestAssetsHeadHasNoBody(t *testing.T) {
	resp := serveAsset(t, http.MethodHead, "graphiql-4.1.2.min.css", nil)

	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if body := readBody(t, resp); len(body) != 0 {
		t.Errorf("HEAD body has %d bytes, want none", len(body))
	}
}

func TestAssetsRejectUnknownPathsAndMethods(t *testing.T) {
	tests := []struct {
		method, name string
		want         int
	}{
		{http.MethodGet, "missing.js", http.StatusNotFound},
		{http.MethodGet, "README.md", http.StatusNotFound},
		{http.MethodGet, "", http.StatusNotFound},
		{http.MethodGet, "../assets.go", http.StatusNotFound},
		{http.MethodPost, "graphiql-4.1.2.min.js", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.name, func(t *testing.T) {
			resp := serveAsset(t, tt.method, tt.name, nil)

			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.want == http.StatusMethodNotAllowed && !strings.Contains(resp.Header.Get("Allow"), "GET") {
				t.Errorf("Allow = %q, want GET and HEAD", resp.Header.Get("Allow"))
			}
		})
	}
}
