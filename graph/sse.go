package graph

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// sseWriteTimeout bounds one write of an SSE stream. A client that reads
// nothing for that long is disconnected, as websockets are.
const sseWriteTimeout = 10 * time.Second

// errStreamEnded is the error of a write to an SSE stream after its
// handler returned.
var errStreamEnded = errors.New("graph: the event stream has ended")

// sseWriter is the response writer of an SSE stream. gqlgen's keep-alive
// goroutine can still write and flush after the stream's handler returned,
// which panics inside net/http, so writes after finish are dropped. Each
// write has a deadline, and a failed one ends the stream's context, so a
// stalled client holds no goroutine for long.
type sseWriter struct {
	http.ResponseWriter
	controller *http.ResponseController
	cancel     context.CancelFunc

	mu    sync.Mutex
	ended bool
}

// serveSSE serves an SSE stream through an sseWriter, on the context that
// scope builds over one the writer can cancel.
func serveSSE(next http.Handler, w http.ResponseWriter, r *http.Request, scope func(context.Context) context.Context) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	sw := &sseWriter{ResponseWriter: w, controller: http.NewResponseController(w), cancel: cancel}
	defer sw.finish()
	next.ServeHTTP(sw, r.WithContext(scope(ctx)))
}

// Write sends p unless the stream ended.
func (w *sseWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return 0, errStreamEnded
	}
	_ = w.controller.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
	n, err := w.ResponseWriter.Write(p)
	if err != nil {
		w.cancel()
	}
	return n, err
}

// Flush sends buffered data unless the stream ended.
func (w *sseWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return
	}
	_ = w.controller.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
	if err := w.controller.Flush(); err != nil {
		w.cancel()
	}
}

// finish waits for a write in progress and drops every later one.
func (w *sseWriter) finish() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *sseWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}
