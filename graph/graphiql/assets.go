// Package graphiql serves the GraphiQL, React and ReactDOM browser builds that the gateway's
// GraphiQL page loads, embedded in the binary so that the page needs no host but the
// gateway. The files and their versions are listed in static/README.md, and
// update-assets.sh refreshes them.
package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Prefix is the URL path under which Handler serves the assets.
const Prefix = "/graphiql/static/"

// immutableCache is the Cache-Control of the scripts and stylesheets. Their file names carry
// the package version, so a changed file gets a new URL.
const immutableCache = "public, max-age=31536000, immutable"

//go:embed static/*.js static/*.css static/LICENSE-*
var staticFiles embed.FS

// contentTypes maps the extensions of the versioned files to their media types, fixed here
// rather than read from the system's MIME tables so that every machine sends the same.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

// asset is one embedded file with its response headers and, computed on first use, its
// gzip encoding.
type asset struct {
	body         []byte
	contentType  string
	cacheControl string
	etag         string

	gzipOnce sync.Once
	gzipBody []byte
}

// Handler returns the handler of the embedded assets, to be mounted at Prefix. It serves
// each file to GET and HEAD, gzip-encoded when the client accepts gzip, and responds 404
// to any other path.
func Handler() http.Handler {
	assets := loadAssets()

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
			return
		}
		a, ok := assets[strings.TrimPrefix(r.URL.Path, Prefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		a.serve(w, r)
	})
}

// loadAssets indexes the embedded files by name.
func loadAssets() map[string]*asset {
	assets := make(map[string]*asset)
	err := fs.WalkDir(staticFiles, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(name)
		if err != nil {
			return err
		}
		assets[path.Base(name)] = newAsset(path.Base(name), body)
		return nil
	})
	if err != nil {
		panic(err) // the embedded files are fixed at build time and always readable
	}
	return assets
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	a := &asset{
		body:         body,
		contentType:  contentTypes[path.Ext(name)],
		cacheControl: immutableCache,
		etag:         `"` + hex.EncodeToString(sum[:12]) + `"`,
	}
	if a.contentType == "" {
		// The LICENSE files have no extension and no version in their names.
		a.contentType = "text/plain; charset=utf-8"
		a.cacheControl = "no-cache"
	}
	return a
}

// serve writes the asset, leaving conditional and range requests to http.ServeContent.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", a.cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")

	body, etag := a.body, a.etag
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = a.gzipped(), strings.TrimSuffix(a.etag, `"`)+`-gzip"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// gzipped returns the asset's gzip encoding, compressing it on the first call.
func (a *asset) gzipped() []byte {
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level never fails
		_, _ = zw.Write(a.body)                                  // writes to a bytes.Buffer never fail
		_ = zw.Close()
		a.gzipBody = buf.Bytes()
	})
	return a.gzipBody
}

// acceptsGzip reports whether an Accept-Encoding header lists gzip with a nonzero quality.
func acceptsGzip(header string) bool {
	for _, item := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(item), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q, found := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		return !found || strings.Trim(q, "0.") != ""
	}
	return false
}
