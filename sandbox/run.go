package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"time"
)

// DefaultAddr is the listen address of Run when -addr is not given.
const DefaultAddr = "127.0.0.1:9090"

// shutdownTimeout bounds how long Run waits for requests in flight.
const shutdownTimeout = 10 * time.Second

// DocumentSources returns the sources the seeded documents come from.
func DocumentSources() []string {
	return slices.Clone(documentSources)
}

// Run is the standalone sandbox command: it reads the configuration from
// the environment (see ConfigFromEnv) and the flags in args, serves the API
// until ctx ends, and then shuts down gracefully.
func Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", DefaultAddr, "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}

	cfg, err := ConfigFromEnv()
	if err != nil {
		return err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	srv, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("sandbox: listening on %s: %w", *addr, err)
	}
	return serve(ctx, srv, ln, cfg.Logger)
}

// serve runs the HTTP server on ln until ctx ends or serving fails.
func serve(ctx context.Context, srv *Server, ln net.Listener, log *slog.Logger) error {
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	log.Info("sandbox listening", "addr", ln.Addr().String(), "database", srv.cfg.DBPath)

	select {
	case err := <-errc:
		return fmt.Errorf("sandbox: serving: %w", err)
	case <-ctx.Done():
	}

	log.Info("sandbox shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// Hijacked websockets are not tracked by Shutdown, so close them first.
	srv.live.stop()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("sandbox: shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
