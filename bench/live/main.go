// Command live measures liveEvents subscriptions at scale: the upstream
// sockets the gateway holds for one filter, the delivery latency from the
// sandbox's send to the client's receipt, and the gateway's memory per idle
// subscriber.
//
//	go run ./bench/live                      1,000 and 10,000 subscribers
//	go run ./bench/live -subscribers 500 -events 10
//	go run ./bench/live -subscribers 1000 -events 0 -profile /tmp/live
//
// With -profile, the gateway's heap and goroutine profiles are saved in
// that directory while the subscribers are connected and idle, for
// `go tool pprof`.
//
// The gateway and its sandbox run in a child process (this program started
// with -serve), so that the memory of the subscribing clients, which run
// here, is not counted against the gateway. Everything listens on loopback.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	runtimepprof "runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/live"
	"github.com/cognism/graphql-gateway/sandbox"
)

// profileDir is the directory measure saves the gateway's profiles in, or
// empty for none.
var profileDir string

// benchOrg is the organisation of the events the benchmark injects.
const benchOrg = "Live Benchmark Ltd"

func main() {
	serve := flag.Bool("serve", false, "run the gateway and sandbox and print the base URL (used by the benchmark itself)")
	counts := flag.String("subscribers", "1000,10000", "comma-separated numbers of concurrent subscribers to measure")
	events := flag.Int("events", 20, "events injected per run; each is awaited by every subscriber before the next")
	perConn := flag.Int("per-connection", 1, "liveEvents subscriptions on each websocket connection")
	flag.StringVar(&profileDir, "profile", "",
		"directory to save the gateway's heap and goroutine profiles in while the subscribers are idle")
	flag.Parse()

	var err error
	if *serve {
		if profileDir != "" {
			runtime.MemProfileRate = 1 // record every allocation for an exact heap profile
		}
		err = runServer()
	} else {
		err = runBenchmark(*counts, *events, *perConn)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "live benchmark:", err)
		os.Exit(1)
	}
}

// serverStats is the gateway process's report at /bench/stats.
type serverStats struct {
	HeapInuse      uint64        `json:"heapInuse"`
	StackInuse     uint64        `json:"stackInuse"`
	Goroutines     int           `json:"goroutines"`
	CPU            time.Duration `json:"cpu"` // user and system time of the process
	Feeds          int           `json:"feeds"`
	Subscribers    int           `json:"subscribers"`
	WebsocketJoins int64         `json:"websocketJoins"`
}

// runServer serves the gateway over an in-memory sandbox until stdin
// closes.
func runServer() error {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	sb, err := sandbox.New(ctx, sandbox.Config{
		DBPath: ":memory:", Scale: 0.01, EventInterval: time.Hour, Logger: logger,
	})
	if err != nil {
		return err
	}
	defer sb.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	creds := cognism.Credentials{AccessToken: sandbox.DefaultAccessToken, SecretKey: sandbox.DefaultSecretKey}
	client, err := cognism.NewClient(base+"/sandbox", cognism.WithDefaultCredentials(creds))
	if err != nil {
		return err
	}
	hub, err := graph.NewLiveHub(client, live.Config[*graph.LiveEvent]{Logger: logger})
	if err != nil {
		return err
	}
	defer hub.Close()
	gql, err := graph.NewHandler(graph.Config{
		Client: client, DefaultCredentials: creds, Live: hub, Logger: logger,
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("/query", gql)
	mux.Handle("/sandbox/", http.StripPrefix("/sandbox", sb.Handler()))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/bench/cpu", serveCPUProfile)
	mux.HandleFunc("/bench/stats", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		debug.FreeOSMemory()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		hubStats := hub.Stats()
		_ = json.NewEncoder(w).Encode(serverStats{
			HeapInuse: m.HeapInuse, StackInuse: m.StackInuse, Goroutines: runtime.NumGoroutine(), CPU: cpuTime(),
			Feeds: hubStats.Feeds, Subscribers: hubStats.FeedSubscribers,
			WebsocketJoins: sb.Stats().Endpoints["GET /api/v1/websocket"],
		})
	})
	go func() { _ = http.Serve(ln, mux) }()

	fmt.Println(base)
	_, _ = io.Copy(io.Discard, os.Stdin) // the parent closes stdin to stop us
	return nil
}

// runBenchmark measures each subscriber count against a fresh gateway.
func runBenchmark(counts string, events, perConn int) error {
	if perConn > live.DefaultMaxSocketOperations {
		return fmt.Errorf("invalid -per-connection %d: the gateway runs at most %d operations per websocket",
			perConn, live.DefaultMaxSocketOperations)
	}
	fmt.Printf("Live events benchmark: %d CPU, %s, %s/%s\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Println()
	fmt.Println("| subscribers | per connection | upstream sockets | websocket joins | p50 | p99 | max | received " +
		"| memory per idle subscriber | gateway CPU per delivery | client CPU per delivery |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, field := range strings.Split(counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 || perConn < 1 || n%perConn != 0 {
			return fmt.Errorf("invalid subscriber count %q: expected a positive multiple of -per-connection", field)
		}
		r, err := measure(n, events, perConn)
		if err != nil {
			return fmt.Errorf("%d subscribers: %w", n, err)
		}
		fmt.Printf("| %d | %d | %d | %d | %s | %s | %s | %d of %d | %.1f KiB | %.1f µs | %.1f µs |\n",
			n, perConn, r.feeds, r.joins, ms(r.p50), ms(r.p99), ms(r.max), r.received, n*events, r.perSubscriber/1024,
			float64(r.serverCPU.Nanoseconds())/1000, float64(r.clientCPU.Nanoseconds())/1000)
	}
	return nil
}

type result struct {
	feeds, joins  int64
	p50, p99, max time.Duration
	received      int
	perSubscriber float64
	serverCPU     time.Duration // gateway CPU per delivered event
	clientCPU     time.Duration // benchmark client CPU per delivered event
}

func perDelivery(d time.Duration, deliveries int) time.Duration {
	if deliveries == 0 {
		return 0
	}
	return d / time.Duration(deliveries)
}

// cpuTime returns the user and system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

// measure starts a gateway, opens n subscribers and injects events.
func measure(n, events, perConn int) (result, error) {
	srv, base, err := startServer()
	if err != nil {
		return result{}, err
	}
	defer srv.stop()

	idle, err := fetchStats(base)
	if err != nil {
		return result{}, err
	}
	subs, err := openSubscribers(base, n/perConn, perConn)
	defer func() {
		for _, s := range subs {
			s.conn.Close()
		}
	}()
	if err != nil {
		return result{}, err
	}
	if err := waitSubscribers(base, n); err != nil {
		return result{}, err
	}
	loaded, err := fetchStats(base)
	if err != nil {
		return result{}, err
	}
	perSubscriber := float64(int64(loaded.HeapInuse+loaded.StackInuse)-int64(idle.HeapInuse+idle.StackInuse)) / float64(n)
	if profileDir != "" {
		fmt.Fprintf(os.Stderr, "%d subscribers: heap %.1f KiB, stacks %.1f KiB, goroutines %.2f per subscriber\n", n,
			float64(int64(loaded.HeapInuse)-int64(idle.HeapInuse))/float64(n)/1024,
			float64(int64(loaded.StackInuse)-int64(idle.StackInuse))/float64(n)/1024,
			float64(loaded.Goroutines-idle.Goroutines)/float64(n))
	}
	if err := saveProfiles(base, n, perConn); err != nil {
		return result{}, err
	}
	if events == 0 {
		return result{feeds: int64(loaded.Feeds), joins: loaded.WebsocketJoins, perSubscriber: perSubscriber}, nil
	}

	if err := warmUp(base, subs); err != nil {
		return result{}, err
	}
	before, err := fetchStats(base)
	if err != nil {
		return result{}, err
	}
	if err := profileCPU(base, "start", n, perConn); err != nil {
		return result{}, err
	}
	stopClientProfile, err := profileClientCPU(n, perConn)
	if err != nil {
		return result{}, err
	}
	clientBefore := cpuTime()
	latencies, received := deliver(base, subs, events)
	clientCPU := cpuTime() - clientBefore
	stopClientProfile()
	if err := profileCPU(base, "stop", n, perConn); err != nil {
		return result{}, err
	}
	final, err := fetchStats(base)
	if err != nil {
		return result{}, err
	}

	r := result{
		feeds: int64(final.Feeds), joins: final.WebsocketJoins, received: received, perSubscriber: perSubscriber,
		serverCPU: perDelivery(final.CPU-before.CPU, received), clientCPU: perDelivery(clientCPU, received),
	}
	if len(latencies) > 0 {
		slices.Sort(latencies)
		r.p50 = latencies[len(latencies)/2]
		r.p99 = latencies[len(latencies)*99/100]
		r.max = latencies[len(latencies)-1]
	}
	return r, nil
}

// saveProfiles saves the gateway's heap and goroutine profiles in
// profileDir, if set, named after the subscriber count.
func saveProfiles(base string, n, perConn int) error {
	if profileDir == "" {
		return nil
	}
	if err := os.MkdirAll(profileDir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"heap", "goroutine"} {
		resp, err := http.Get(base + "/debug/pprof/" + name + "?gc=1")
		if err != nil {
			return err
		}
		file := filepath.Join(profileDir, fmt.Sprintf("%s-%d-%d.pb.gz", name, n, perConn))
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// serveCPUProfile starts the gateway's CPU profile for ?action=start,
// saved in profileDir as cpu-RUN.pb.gz with RUN from ?run, and stops it
// for ?action=stop.
func serveCPUProfile(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("action") == "stop" {
		runtimepprof.StopCPUProfile()
		return
	}
	// The heap profile is already saved, and recording every allocation
	// would take about half of the CPU profile.
	runtime.MemProfileRate = 512 * 1024
	name := "cpu-" + filepath.Base(r.URL.Query().Get("run")) + ".pb.gz"
	file, err := os.Create(filepath.Join(profileDir, name))
	if err == nil {
		err = runtimepprof.StartCPUProfile(file)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// profileCPU starts or stops the gateway's CPU profile while events are
// delivered, if profileDir is set.
func profileCPU(base, action string, n, perConn int) error {
	if profileDir == "" {
		return nil
	}
	resp, err := http.Get(fmt.Sprintf("%s/bench/cpu?action=%s&run=%d-%d", base, action, n, perConn))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("CPU profile %s failed: %s", action, body)
	}
	return nil
}

// profileClientCPU starts the CPU profile of this process, which runs the
// clients, if profileDir is set. The profile is saved there as
// client-cpu-N-P.pb.gz, and the returned function stops it.
func profileClientCPU(n, perConn int) (func(), error) {
	if profileDir == "" {
		return func() {}, nil
	}
	name := fmt.Sprintf("client-cpu-%d-%d.pb.gz", n, perConn)
	file, err := os.Create(filepath.Join(profileDir, name))
	if err != nil {
		return nil, err
	}
	if err := runtimepprof.StartCPUProfile(file); err != nil {
		file.Close()
		return nil, err
	}
	return func() {
		runtimepprof.StopCPUProfile()
		file.Close()
	}, nil
}

type server struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func (s *server) stop() {
	s.stdin.Close()
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// startServer runs this program with -serve and reads the base URL.
func startServer() (*server, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(self, "-serve", "-profile", profileDir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, "", fmt.Errorf("gateway process printed no URL: %w", err)
	}
	return &server{cmd: cmd, stdin: stdin}, strings.TrimSpace(line), nil
}

func fetchStats(base string) (serverStats, error) {
	var s serverStats
	resp, err := http.Get(base + "/bench/stats")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

func waitSubscribers(base string, n int) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		s, err := fetchStats(base)
		if err != nil {
			return err
		}
		if s.Subscribers == n {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("subscribers did not all reach the hub within 2 minutes")
}

// subscriber is one client connection with one liveEvents subscription.
type subscriber struct {
	conn     *websocket.Conn
	subs     int // liveEvents subscriptions on conn
	writeMu  sync.Mutex
	received chan receipt
}

type receipt struct {
	id string
	at time.Time
}

const subscription = `{"id":"%d","type":"subscribe","payload":{"query":` +
	`"subscription($o: [String!]) { liveEvents(filter: {organizations: $o}) { id at type } }",` +
	`"variables":{"o":["` + benchOrg + `"]}}}`

// openSubscribers dials n graphql-transport-ws clients, 64 at a time, and
// subscribes each to liveEvents.
func openSubscribers(base string, n, perConn int) ([]*subscriber, error) {
	url := "ws" + strings.TrimPrefix(base, "http") + "/query"
	subs := make([]*subscriber, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range subs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s, err := openSubscriber(url, perConn)
			if err != nil {
				errs <- err
				return
			}
			subs[i] = s
		}()
	}
	wg.Wait()
	close(errs)
	opened := slices.DeleteFunc(subs, func(s *subscriber) bool { return s == nil })
	if err := <-errs; err != nil {
		return opened, err
	}
	return opened, nil
}

func openSubscriber(url string, subs int) (*subscriber, error) {
	dialer := websocket.Dialer{
		Subprotocols: []string{live.ProtocolTransportWS}, HandshakeTimeout: time.Minute,
		ReadBufferSize: 1024, WriteBufferSize: 1024,
	}
	conn, _, err := dialer.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	s := &subscriber{conn: conn, subs: subs, received: make(chan receipt, 64*subs)}
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"connection_init"}`)); err != nil {
		return nil, err
	}
	if _, data, err := conn.ReadMessage(); err != nil || !bytes.Contains(data, []byte("connection_ack")) {
		return nil, fmt.Errorf("no connection_ack: %s %v", data, err)
	}
	for id := 1; id <= subs; id++ {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(subscription, id))); err != nil {
			return nil, err
		}
	}
	go s.read()
	return s, nil
}

var idPrefix = []byte(`"liveEvents":{"id":"`)

// read records the receipt time of each event and replies pong to pings.
// It finds the id by position rather than decoding, to spend little CPU.
func (s *subscriber) read() {
	defer close(s.received)
	for {
		_, data, err := s.conn.ReadMessage()
		at := time.Now()
		if err != nil {
			return
		}
		if i := bytes.Index(data, idPrefix); i >= 0 {
			rest := data[i+len(idPrefix):]
			if j := bytes.IndexByte(rest, '"'); j >= 0 {
				s.received <- receipt{id: string(rest[:j]), at: at}
			}
			continue
		}
		if bytes.Contains(data, []byte(`"type":"ping"`)) {
			s.writeMu.Lock()
			_ = s.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong"}`))
			s.writeMu.Unlock()
		}
	}
}

// inject makes the sandbox emit one event and returns its id with the time
// just before the request, which bounds the sandbox's send from below.
func inject(base string) (string, time.Time, error) {
	body := `{"type":"job-join","org":"` + benchOrg + `"}`
	sent := time.Now()
	resp, err := http.Post(base+"/sandbox/_sandbox/events", "application/json", strings.NewReader(body))
	if err != nil {
		return "", sent, err
	}
	defer resp.Body.Close()
	var ev struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil {
		return "", sent, err
	}
	return ev.ID, sent, nil
}

// warmUp injects events until every subscriber received one, so that the
// upstream socket is open before the measured events.
func warmUp(base string, subs []*subscriber) error {
	for attempt := 0; attempt < 100; attempt++ {
		if _, _, err := inject(base); err != nil {
			return err
		}
		time.Sleep(200 * time.Millisecond)
		if drainAll(subs) {
			return nil
		}
	}
	return errors.New("subscribers received no warm-up event")
}

// drainAll empties every receipt channel and reports whether each held at
// least one receipt.
func drainAll(subs []*subscriber) bool {
	all := true
	for _, s := range subs {
		got := false
		for drained := false; !drained; {
			select {
			case _, ok := <-s.received:
				got = got || ok
				drained = !ok
			default:
				drained = true
			}
		}
		all = all && got
	}
	return all
}

// deliver injects events one at a time, waiting for every subscriber to
// receive each (or 10 s) before the next, and returns the latencies.
func deliver(base string, subs []*subscriber, events int) ([]time.Duration, int) {
	var latencies []time.Duration
	for e := 0; e < events; e++ {
		id, sent, err := inject(base)
		if err != nil {
			fmt.Fprintln(os.Stderr, "inject:", err)
			continue
		}
		latencies = collect(subs, id, sent, latencies)
		time.Sleep(100 * time.Millisecond)
	}
	return latencies, len(latencies)
}

// collect appends the latency of each subscriber's receipt of event id to
// latencies, waiting at most 10 s from sent in all. One goroutine takes
// the receipts from each subscriber in turn, so the benchmark spends no
// goroutine or timer per subscriber on each event. The readers timed the
// receipts on arrival, so the order they are taken in does not change
// them.
func collect(
	subs []*subscriber, id string, sent time.Time, latencies []time.Duration,
) []time.Duration {
	timeout := time.NewTimer(time.Until(sent.Add(10 * time.Second)))
	defer timeout.Stop()
	for _, s := range subs {
		for pending := s.subs; pending > 0; {
			select {
			case r, ok := <-s.received:
				if !ok {
					pending = 0
					continue
				}
				if r.id == id {
					latencies = append(latencies, r.at.Sub(sent))
					pending--
				}
			case <-timeout.C:
				return latencies
			}
		}
	}
	return latencies
}
