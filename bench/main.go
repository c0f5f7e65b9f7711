// Command bench measures the benchmark queries Q1 to Q3 against an
// in-process sandbox: upstream calls with the loaders, the fewest that can
// resolve each query and the calls without loaders, then latency with a
// fixed latency per upstream request against the target of dependency
// depth times that latency plus 15 ms, both against the live sandbox and
// against replays of its recorded responses. A timed gateway runs in a
// process of its own, as deployed, or in the benchmark's process beside
// the sandbox.
//
//	go run ./bench                 print the Markdown tables of BENCHMARKS.md
//	go run ./bench -runs 50 -latency 20ms -scale 1
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cognism/graphql-gateway/bench/queries"
	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/sandbox"
)

// overhead is the latency the gateway may add on top of its upstream round
// trips.
const overhead = 15 * time.Millisecond

func main() {
	var err error
	if len(os.Args) > 1 && os.Args[1] == serveGatewayCommand {
		err = serveGateway(os.Args[2:])
	} else {
		err = run(context.Background(), os.Args[1:], os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options are the benchmark's flags.
type options struct {
	runs        int
	latency     time.Duration
	scale       float64
	concurrency []int
	queries     []queries.Query
	replays     []bool
	processes   []gatewayProcess
	cpuProfile  string
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	runs := fs.Int("runs", 30, "timed runs of each query")
	latency := fs.Duration("latency", 20*time.Millisecond, "latency the sandbox adds to every request")
	scale := fs.Float64("scale", 1, "sandbox dataset scale (1: 500 companies, 50,000 events)")
	concurrency := fs.String("concurrency", "8,256", "comma-separated per-loader upstream concurrency bounds to time")
	names := fs.String("queries", "Q1,Q2,Q3", "comma-separated queries to measure")
	upstreams := fs.String("upstreams", "sandbox,replay", "comma-separated upstreams to time: sandbox, replay")
	processes := fs.String("gateway", "own,bench", "comma-separated processes to run the timed gateway in: own (apart from the sandbox), bench (the benchmark's)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the latency runs to this file, and that of each gateway in its own process to this file with .gateway-QUERY-UPSTREAM-CONCURRENCY appended")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	opts := options{runs: *runs, latency: *latency, scale: *scale, cpuProfile: *cpuProfile}
	for _, name := range strings.Split(*names, ",") {
		i := slices.IndexFunc(queries.All, func(q queries.Query) bool {
			return strings.EqualFold(q.Name, strings.TrimSpace(name))
		})
		if i < 0 {
			return options{}, fmt.Errorf("invalid -queries %q: expected names among Q1,Q2,Q3", *names)
		}
		opts.queries = append(opts.queries, queries.All[i])
	}
	for _, part := range strings.Split(*concurrency, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return options{}, fmt.Errorf("invalid -concurrency %q: expected positive integers such as 8,256", *concurrency)
		}
		opts.concurrency = append(opts.concurrency, n)
	}
	for _, name := range strings.Split(*upstreams, ",") {
		switch strings.TrimSpace(name) {
		case "sandbox":
			opts.replays = append(opts.replays, false)
		case "replay":
			opts.replays = append(opts.replays, true)
		default:
			return options{}, fmt.Errorf("invalid -upstreams %q: expected sandbox, replay or sandbox,replay", *upstreams)
		}
	}
	for _, name := range strings.Split(*processes, ",") {
		switch p := gatewayProcess(strings.TrimSpace(name)); p {
		case ownProcess, benchProcess:
			opts.processes = append(opts.processes, p)
		default:
			return options{}, fmt.Errorf("invalid -gateway %q: expected own, bench or own,bench", *processes)
		}
	}
	if opts.runs < 1 {
		return options{}, fmt.Errorf("invalid -runs %d: expected at least 1", opts.runs)
	}
	return opts, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	opts, err := parseOptions(args)
	if err != nil {
		return err
	}
	// The gateway's garbage collection target applies here too, as the
	// gateway runs in this process.
	gogc := graph.SetGCPercent(os.Getenv)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A database file, unlike :memory:, lets the sandbox serve several
	// requests at once, as a real upstream would.
	dir, err := os.MkdirTemp("", "gateway-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sb, err := sandbox.New(ctx, sandbox.Config{
		DBPath: filepath.Join(dir, "sandbox.db"), Seed: 1, Scale: opts.scale, Logger: quiet,
	})
	if err != nil {
		return err
	}
	defer sb.Close()
	rec := &recorder{}
	api := httptest.NewServer(rec.wrap(sb.Handler()))
	defer api.Close()
	env := &bench{sandbox: sb, apiURL: api.URL, logger: quiet, recorder: rec}

	fmt.Fprintf(out, "Measured with `%s` on %s/%s, %d CPUs, %s, GOGC %s; sandbox scale %g, seed 1, database in a temporary file.\n\n",
		strings.Join(append([]string{"go run ./bench"}, args...), " "), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), gogc, opts.scale)
	if err := env.callTable(out, opts.queries); err != nil {
		return err
	}
	if opts.cpuProfile != "" {
		stop, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	return env.latencyTable(out, opts)
}

// bench holds the sandbox the measurements run against.
type bench struct {
	sandbox  *sandbox.Server
	apiURL   string
	logger   *slog.Logger
	recorder *recorder
}

// gateway serves the GraphQL handler over the sandbox with the options
// that mutate sets.
func (b *bench) gateway(mutate func(*graph.Config)) (*httptest.Server, error) {
	h, err := b.handler(mutate)
	if err != nil {
		return nil, err
	}
	return httptest.NewServer(h), nil
}

// handler returns the GraphQL handler over the API at b.apiURL with the
// server's HTTP transports and the options that mutate sets.
func (b *bench) handler(mutate func(*graph.Config)) (http.Handler, error) {
	cfg := graph.Config{
		DefaultCredentials: cognism.Credentials{AccessToken: sandbox.DefaultAccessToken, SecretKey: sandbox.DefaultSecretKey},
		Logger:             b.logger,
		News: graph.NewsDefaults{Sources: []string{
			"Financial Times", "Reuters", "Bloomberg", "The Guardian", "BBC News", "TechCrunch",
		}},
	}
	if mutate != nil {
		mutate(&cfg)
	}

	// The server's transports. Without loaders, identical calls are not
	// shared either, so the count is that of resolvers on their own.
	transport := graph.CountUpstreamCalls(graph.ShareConcurrentGets(nil))
	if cfg.Unbatched {
		transport = graph.CountUpstreamCalls(nil)
	}
	client, err := cognism.NewClient(b.apiURL,
		cognism.WithHTTPClient(&http.Client{Transport: transport}), cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		return nil, err
	}
	cfg.Client = client
	return graph.NewHandler(cfg)
}

// callTable prints upstream calls with loaders, the minimum and without
// loaders.
func (b *bench) callTable(out io.Writer, measured []queries.Query) error {
	batched, err := b.gateway(nil)
	if err != nil {
		return err
	}
	defer batched.Close()
	// Without loaders Q3 makes more calls than the default budget allows.
	unbatched, err := b.gateway(func(c *graph.Config) {
		c.Unbatched = true
		c.MaxUpstreamCalls = -1
	})
	if err != nil {
		return err
	}
	defer unbatched.Close()

	fmt.Fprintln(out, "| query | upstream calls with loaders | minimum (distinct keys) | without loaders | calls per endpoint with loaders |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---|")
	for _, q := range measured {
		made, data, err := b.count(batched.URL, q)
		if err != nil {
			return err
		}
		minimum, err := q.Minimum(data)
		if err != nil {
			return err
		}
		naive, _, err := b.count(unbatched.URL, q)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "| %s | %d | %d | %d | %s |\n",
			q.Name, queries.Total(made), queries.Total(minimum), queries.Total(naive), describe(made))
	}
	fmt.Fprintln(out)
	return nil
}

// count runs q once and returns the upstream calls per endpoint and the
// response data.
func (b *bench) count(url string, q queries.Query) (map[string]int, json.RawMessage, error) {
	if err := b.resetStats(); err != nil {
		return nil, nil, err
	}
	data, err := execute(url, q.Text)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", q.Name, err)
	}
	made := map[string]int{}
	for endpoint, n := range b.sandbox.Stats().Endpoints {
		made[endpoint] = int(n)
	}
	return made, data, nil
}

func (b *bench) resetStats() error {
	resp, err := http.Post(b.apiURL+"/_sandbox/stats/reset", "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// latencyTable times each query with opts.latency per upstream request,
// for each concurrency bound, in two setups: against the live sandbox,
// which shares the CPUs with the gateway and runs its SQLite queries, and
// against replays of the sandbox's recorded responses, which cost no CPU
// and show the gateway's own overhead.
func (b *bench) latencyTable(out io.Writer, opts options) error {
	fmt.Fprintf(out, "Latency over %d runs each, with %s added to every upstream request:\n\n", opts.runs, opts.latency)
	fmt.Fprintln(out, "| query | depth | target (depth × latency + 15 ms) | upstream | gateway process | loader concurrency | upstream waves | median | p90 | max | median within target |")
	fmt.Fprintln(out, "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---|")
	for _, q := range opts.queries {
		for _, replay := range opts.replays {
			if err := b.setUpstream(replay, opts.latency); err != nil {
				return err
			}
			for _, process := range opts.processes {
				for _, limit := range opts.concurrency {
					if err := b.latencyRow(out, q, opts, replay, process, limit); err != nil {
						return err
					}
				}
			}
		}
	}
	fmt.Fprintln(out)
	return b.setUpstream(false, 0)
}

// setUpstream puts the latency on the sandbox or on the replays.
func (b *bench) setUpstream(replay bool, latency time.Duration) error {
	sandboxLatency := latency
	if replay {
		sandboxLatency = 0
	}
	b.recorder.setReplay(replay, latency)
	return b.sandbox.SetFaults(sandbox.FaultConfig{LatencyMin: sandboxLatency, LatencyMax: sandboxLatency})
}

// latencyRow times q through a gateway with the given loader bound.
func (b *bench) latencyRow(
	out io.Writer,
	q queries.Query,
	opts options,
	replay bool,
	process gatewayProcess,
	limit int,
) error {
	upstream := "sandbox"
	if replay {
		upstream = "replay"
	}
	gatewayProfile := ""
	if opts.cpuProfile != "" {
		gatewayProfile = fmt.Sprintf("%s.gateway-%s-%s-%d", opts.cpuProfile, q.Name, upstream, limit)
	}
	gw, err := b.startGateway(process, limit, gatewayProfile)
	if err != nil {
		return err
	}
	times, waves, err := b.timeRuns(gw.URL, q, opts.runs)
	if err := errors.Join(err, gw.stop()); err != nil {
		return err
	}

	target := time.Duration(q.Depth)*opts.latency + overhead
	median, p90, worst := percentile(times, 50), percentile(times, 90), times[len(times)-1]
	verdict := "yes"
	if median > target {
		verdict = "no"
	}
	fmt.Fprintf(out, "| %s | %d | %s | %s | %s | %d | %d | %s | %s | %s | %s |\n",
		q.Name, q.Depth, ms(target), upstream, process, limit, waves, ms(median), ms(p90), ms(worst), verdict)
	return nil
}

// timeRuns runs q once to warm connections, then runs times, and returns
// the sorted durations and the most upstream waves one run waited for.
func (b *bench) timeRuns(url string, q queries.Query, runs int) ([]time.Duration, int, error) {
	if _, err := execute(url, q.Text); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", q.Name, err)
	}
	times := make([]time.Duration, 0, runs)
	waves := 0
	for range runs {
		b.recorder.reset()
		start := time.Now()
		body, err := post(url, q.Text)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", q.Name, err)
		}
		// The latency ends with the last byte of the response. Decoding it
		// is the client's work, so it is done after the clock stops.
		times = append(times, time.Since(start))
		if _, err := decodeData(body); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", q.Name, err)
		}
		waves = max(waves, b.recorder.waves())
	}
	slices.Sort(times)
	return times, waves, nil
}

// recorder sits in front of the sandbox. It keeps the start and end of
// each request, to count the waves of requests one query waited for one
// after another, and the responses to GET requests, which it replays in
// replay mode after a fixed latency instead of asking the sandbox again.
type recorder struct {
	mu        sync.Mutex
	spans     []queries.Span
	responses map[string]*httptest.ResponseRecorder
	replay    bool
	latency   time.Duration
}

func (r *recorder) setReplay(replay bool, latency time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replay, r.latency = replay, latency
}

func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		r.serve(w, req, next)
		r.mu.Lock()
		r.spans = append(r.spans, queries.Span{Start: start, End: time.Now()})
		r.mu.Unlock()
	})
}

// serve responds from a recorded response in replay mode, else from next,
// recording the response to a GET.
func (r *recorder) serve(w http.ResponseWriter, req *http.Request, next http.Handler) {
	key := req.Method + " " + req.URL.RequestURI()
	r.mu.Lock()
	recorded, replay, latency := r.responses[key], r.replay, r.latency
	r.mu.Unlock()

	if replay && recorded != nil {
		time.Sleep(latency)
		for k, v := range recorded.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(recorded.Code)
		_, _ = w.Write(recorded.Body.Bytes())
		return
	}
	if req.Method != http.MethodGet || recorded != nil {
		// A response already recorded is not copied again, so the timed
		// runs against the sandbox spend no CPU on recording.
		next.ServeHTTP(w, req)
		return
	}
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, req)
	r.mu.Lock()
	if r.responses == nil {
		r.responses = map[string]*httptest.ResponseRecorder{}
	}
	r.responses[key] = rec
	r.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.spans = nil
	r.mu.Unlock()
}

// waves returns the upstream round trips since the last reset that could
// not overlap.
func (r *recorder) waves() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return queries.Waves(r.spans)
}

// execute posts a query and returns its data, failing on any error.
func execute(url, query string) (json.RawMessage, error) {
	body, err := post(url, query)
	if err != nil {
		return nil, err
	}
	return decodeData(body)
}

// post posts a query and returns the response body, read in full.
func post(url, query string) ([]byte, error) {
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		return nil, err
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("unexpected status %s: expected 200 OK", resp.Status)
	}
	// The gateway declares the length, so the body is read into one buffer
	// of that size rather than one that doubles as it fills.
	out := bytes.NewBuffer(make([]byte, 0, max(resp.ContentLength, 0)+bytes.MinRead))
	if _, err := out.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// decodeData returns the data of a GraphQL response body, failing on any
// error in it.
func decodeData(body []byte) (json.RawMessage, error) {
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("query failed: %v", out.Errors)
	}
	return out.Data, nil
}

func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// describe lists calls per endpoint in a stable order.
func describe(calls map[string]int) string {
	endpoints := make([]string, 0, len(calls))
	for e := range calls {
		endpoints = append(endpoints, e)
	}
	slices.Sort(endpoints)
	parts := make([]string, 0, len(endpoints))
	for _, e := range endpoints {
		parts = append(parts, fmt.Sprintf("`%s` %d", e, calls[e]))
	}
	return strings.Join(parts, ", ")
}

// startCPUProfile profiles the process's CPU into path until the returned
// function is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
