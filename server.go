// Command graphql-gateway serves the Cognism GraphQL gateway. With no
// upstream configured it runs on an embedded sandbox of the Cognism API.
//
//	go run .                 the gateway on :8080 with the embedded sandbox
//	go run . schema          print the schema in SDL
//	go run . sandbox [flags] run the sandbox API alone
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/graphiql"
	"github.com/cognism/graphql-gateway/graph/loader"
	"github.com/cognism/graphql-gateway/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err := run(ctx, os.Args[1:], os.Stdout)
	var usageErr *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usageErr):
		fmt.Fprintln(os.Stderr, "graphql-gateway:", err)
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "graphql-gateway:", err)
		os.Exit(1)
	}
}

// usage lists the subcommands.
const usage = `usage:
  graphql-gateway [flags]          serve the gateway
  graphql-gateway schema           print the schema in SDL
  graphql-gateway sandbox [flags]  run the sandbox API alone
Run graphql-gateway -h for the flags.
`

// usageError is a command line that names no known subcommand or has
// arguments left over. The command exits with status 2 on it.
type usageError struct {
	msg string
}

// Error returns the message.
func (e *usageError) Error() string { return e.msg }

// run dispatches the subcommands and otherwise serves the gateway until ctx
// ends.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "schema":
			if len(args) > 1 {
				return &usageError{fmt.Sprintf("schema takes no arguments, got %q", args[1:])}
			}
			_, err := io.WriteString(stdout, graph.SDL())
			return err
		case "sandbox":
			return sandbox.Run(ctx, args[1:])
		}
	}

	cfg, err := loadConfig(args, os.Getenv)
	if err != nil {
		return err
	}
	cfg.gcPercent = graph.SetGCPercent(os.Getenv)
	logger := newLogger(cfg.logLevel)
	return serve(ctx, cfg, logger)
}

// config is the gateway's configuration from flags and environment.
type config struct {
	addr                string
	upstreamURL         string // empty: the embedded sandbox
	credentials         cognism.Credentials
	logLevel            slog.Level
	upstreamConcurrency int
	maxUpstreamCalls    int // -1: no limit
	upstreamTimeout     time.Duration
	newsSources         []string
	gcPercent           string // the collector's target, as GOGC spells it
}

// sandboxNewsSources are the sources the sandbox seeds documents from, the
// default news sources in sandbox mode.
var sandboxNewsSources = []string{
	"Financial Times", "Reuters", "Bloomberg", "The Guardian", "BBC News", "TechCrunch",
}

// loadConfig reads flags, which win, and environment variables.
func loadConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("graphql-gateway", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), strings.Replace(usage, "Run graphql-gateway -h for the flags.\n", "", 1))
		fmt.Fprintln(fs.Output(), "flags:")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", envOr(getenv, "ADDR", ":8080"), "listen address (env ADDR)")
	concurrency := fs.Int("upstream-concurrency", loader.DefaultConcurrency,
		"upstream calls each per-request loader runs at a time (env UPSTREAM_CONCURRENCY)")
	if v := getenv("UPSTREAM_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return config{}, fmt.Errorf("invalid UPSTREAM_CONCURRENCY %q: expected a positive integer", v)
		}
		*concurrency = n
	}
	maxCalls := fs.Int("max-upstream-calls", graph.DefaultMaxUpstreamCalls,
		"upstream calls one operation may make, -1 for no limit (env MAX_UPSTREAM_CALLS)")
	if v := getenv("MAX_UPSTREAM_CALLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !validMaxUpstreamCalls(n) {
			return config{}, fmt.Errorf("invalid MAX_UPSTREAM_CALLS %q: expected a positive integer or -1", v)
		}
		*maxCalls = n
	}
	timeout := fs.Duration("upstream-timeout", 30*time.Second,
		"time limit of one upstream call, retries not included (env UPSTREAM_TIMEOUT)")
	if v := getenv("UPSTREAM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return config{}, fmt.Errorf("invalid UPSTREAM_TIMEOUT %q: expected a duration such as 30s", v)
		}
		*timeout = d
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return config{}, &usageError{fmt.Sprintf("unknown command %q", fs.Arg(0))}
	}
	if *timeout <= 0 {
		return config{}, fmt.Errorf("invalid -upstream-timeout %s: expected a positive duration", *timeout)
	}
	if *concurrency < 1 {
		return config{}, fmt.Errorf("invalid -upstream-concurrency %d: expected a positive integer", *concurrency)
	}
	if !validMaxUpstreamCalls(*maxCalls) {
		return config{}, fmt.Errorf("invalid -max-upstream-calls %d: expected a positive integer or -1", *maxCalls)
	}

	level, err := parseLevel(getenv("LOG_LEVEL"))
	if err != nil {
		return config{}, err
	}
	cfg := config{
		addr:        *addr,
		upstreamURL: getenv("COGNISM_API_URL"),
		credentials: cognism.Credentials{
			AccessToken: getenv("COGNISM_ACCESS_TOKEN"),
			SecretKey:   getenv("COGNISM_SECRET_KEY"),
		},
		logLevel:            level,
		upstreamConcurrency: *concurrency,
		maxUpstreamCalls:    *maxCalls,
		upstreamTimeout:     *timeout,
		newsSources:         splitList(getenv("NEWS_SOURCES")),
	}
	if cfg.credentials.AccessToken == "" && cfg.credentials.SecretKey != "" {
		return config{}, errors.New("COGNISM_SECRET_KEY is set without COGNISM_ACCESS_TOKEN: " +
			"set both, or neither so that requests send their own X-API-AccessToken and X-API-SecretKey")
	}
	return cfg, nil
}

// validMaxUpstreamCalls reports whether n is a budget of upstream calls:
// positive, or -1 for no limit. Zero would reject every call.
func validMaxUpstreamCalls(n int) bool {
	return n >= 1 || n == -1
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func parseLevel(v string) (slog.Level, error) {
	var level slog.Level
	if v == "" {
		return slog.LevelInfo, nil
	}
	if err := level.UnmarshalText([]byte(v)); err != nil {
		return 0, fmt.Errorf("invalid LOG_LEVEL %q: expected debug, info, warn or error", v)
	}
	return level, nil
}

func newLogger(level slog.Level) *slog.Logger {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)
	return logger
}

// upstream is the Cognism API the gateway calls: a remote URL or the
// embedded sandbox.
type upstream struct {
	baseURL string
	sandbox *sandbox.Server // nil for a remote upstream
}

// serve listens on cfg.addr and serves until ctx ends.
func serve(ctx context.Context, cfg config, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.addr, err)
	}
	defer ln.Close()
	return serveListener(ctx, ln, cfg, logger)
}

// serveListener starts the upstream, wires the routes and serves on ln
// until ctx ends, then shuts down gracefully.
func serveListener(ctx context.Context, ln net.Listener, cfg config, logger *slog.Logger) error {
	up, err := startUpstream(ctx, cfg, ln.Addr(), logger)
	if err != nil {
		return err
	}
	if up.sandbox != nil {
		defer up.sandbox.Close()
		if cfg.credentials.IsZero() {
			cfg.credentials = cognism.Credentials{
				AccessToken: sandbox.DefaultAccessToken,
				SecretKey:   sandbox.DefaultSecretKey,
			}
		}
		if len(cfg.newsSources) == 0 {
			cfg.newsSources = sandboxNewsSources
		}
	}

	gqlConfig, err := gatewayConfig(cfg, up, logger)
	if err != nil {
		return err
	}

	// Live events: the subscription hub and the trigger webhook endpoint.
	liveEvents, err := startLive(gqlConfig.Client, ln.Addr(), logger)
	if err != nil {
		return err
	}
	defer liveEvents.hub.Close()
	liveEvents.configure(&gqlConfig)

	gql, err := graph.NewHandler(gqlConfig)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           liveEvents.mount(routes(up, gql)),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logStart(logger, cfg, up, ln.Addr())
	return serveUntilDone(ctx, srv, ln, logger, func(ctx context.Context) {
		// Subscriptions end with SHUTTING_DOWN before the connections
		// close, so clients know to subscribe again.
		liveEvents.hub.Close()
		if err := gql.Shutdown(ctx); err != nil {
			logger.Warn("websockets still open at shutdown", "error", err)
		}
	})
}

// startUpstream opens the embedded sandbox when no upstream URL is set. The
// sandbox is served by this process under /sandbox/, so its base URL is on
// the listener's own port.
func startUpstream(ctx context.Context, cfg config, addr net.Addr, logger *slog.Logger) (upstream, error) {
	if cfg.upstreamURL != "" {
		return upstream{baseURL: cfg.upstreamURL}, nil
	}
	sbCfg, err := sandbox.ConfigFromEnv()
	if err != nil {
		return upstream{}, err
	}
	sbCfg.Logger = logger.With("component", "sandbox")
	sb, err := sandbox.New(ctx, sbCfg)
	if err != nil {
		return upstream{}, err
	}
	return upstream{baseURL: localURL(addr) + "/sandbox", sandbox: sb}, nil
}

// localURL returns the loopback URL of a listener address.
func localURL(addr net.Addr) string {
	port := "8080"
	if tcp, ok := addr.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
	}
	return "http://127.0.0.1:" + port
}

// gatewayConfig builds the GraphQL handler's configuration.
func gatewayConfig(cfg config, up upstream, logger *slog.Logger) (graph.Config, error) {
	transport := graph.CountUpstreamCalls(graph.ShareConcurrentGets(nil))
	httpClient := &http.Client{Transport: transport, Timeout: cfg.upstreamTimeout}
	client, err := cognism.NewClient(up.baseURL, cognism.WithHTTPClient(httpClient))
	if err != nil {
		return graph.Config{}, err
	}
	return graph.Config{
		Client:              client,
		DefaultCredentials:  cfg.credentials,
		UpstreamConcurrency: cfg.upstreamConcurrency,
		MaxUpstreamCalls:    cfg.maxUpstreamCalls,
		Logger:              logger,
		News:                graph.NewsDefaults{Sources: cfg.newsSources},
	}, nil
}

// routes mounts GraphiQL with its assets, the GraphQL endpoint, the health check and, in
// sandbox mode, the sandbox.
func routes(up upstream, gql http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", graph.GraphiQLHandler("/query"))
	mux.Handle("GET "+graphiql.Prefix, graphiql.Handler())
	mux.Handle("/query", gql)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	if up.sandbox != nil {
		mux.Handle("/sandbox/", http.StripPrefix("/sandbox", up.sandbox.Handler()))
	}
	return mux
}

func logStart(logger *slog.Logger, cfg config, up upstream, addr net.Addr) {
	mode := "upstream"
	if up.sandbox != nil {
		mode = "sandbox"
	}
	base := localURL(addr)
	logger.Info("gateway started",
		"mode", mode,
		"upstream", up.baseURL,
		"graphiql", base+"/",
		"graphql", base+"/query",
		"credentials", credentialSource(cfg, up),
		"upstream_concurrency", cfg.upstreamConcurrency,
		"gogc", cfg.gcPercent)
}

// credentialSource names where the default credentials come from, never
// what they are.
func credentialSource(cfg config, up upstream) string {
	switch {
	case up.sandbox != nil && cfg.credentials.AccessToken == sandbox.DefaultAccessToken:
		return "sandbox default account"
	case !cfg.credentials.IsZero():
		return "COGNISM_ACCESS_TOKEN"
	}
	return "request headers only"
}

// serveUntilDone serves until ctx ends, then runs stop and stops accepting
// requests, and waits up to 10 s in all for stop and the requests in
// flight.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger,
	stop func(context.Context),
) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if stop != nil {
		stop(shutdownCtx)
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}
