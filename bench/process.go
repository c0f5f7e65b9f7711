package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/cognism/graphql-gateway/graph"
)

// serveGatewayCommand is the subcommand under which the benchmark runs a
// timed gateway in a process of its own.
const serveGatewayCommand = "serve-gateway"

// gatewayProcess is the process a timed gateway runs in.
type gatewayProcess string

const (
	// ownProcess is a gateway process apart from the sandbox, as deployed
	// in front of a remote API. The two processes still share the CPUs.
	ownProcess gatewayProcess = "own"
	// benchProcess is the benchmark's process, where the gateway shares
	// the Go scheduler and its CPUs with the sandbox and the client.
	benchProcess gatewayProcess = "bench"
)

// timedGateway is a gateway that the benchmark times.
type timedGateway struct {
	URL  string
	stop func() error
}

// startGateway serves a gateway with the loader bound limit over the
// sandbox, in the process given. A gateway in its own process writes its
// CPU profile to cpuProfile, if cpuProfile is set.
func (b *bench) startGateway(process gatewayProcess, limit int, cpuProfile string) (*timedGateway, error) {
	if process == benchProcess {
		srv, err := b.gateway(func(c *graph.Config) { c.UpstreamConcurrency = limit })
		if err != nil {
			return nil, err
		}
		return &timedGateway{URL: srv.URL, stop: func() error { srv.Close(); return nil }}, nil
	}

	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{serveGatewayCommand, "-api", b.apiURL, "-concurrency", strconv.Itoa(limit)}
	if cpuProfile != "" {
		args = append(args, "-cpuprofile", cpuProfile)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() error {
		stdin.Close()
		return cmd.Wait()
	}

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return nil, errors.Join(fmt.Errorf("gateway process exited before printing its URL: %w", err), stop())
	}
	return &timedGateway{URL: strings.TrimSpace(line), stop: stop}, nil
}

// serveGateway runs the serve-gateway subcommand. It serves a gateway over
// the API at -api on a loopback port, prints the gateway's URL on standard
// output, and returns once standard input closes.
func serveGateway(args []string) error {
	fs := flag.NewFlagSet(serveGatewayCommand, flag.ContinueOnError)
	api := fs.String("api", "", "URL of the upstream API")
	limit := fs.Int("concurrency", 8, "upstream calls each per-request loader runs at a time")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the gateway to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *api == "" {
		return errors.New("missing -api: pass the URL of the upstream API")
	}

	graph.SetGCPercent(os.Getenv)
	b := &bench{apiURL: *api, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h, err := b.handler(func(c *graph.Config) { c.UpstreamConcurrency = *limit })
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if _, err := fmt.Printf("http://%s/\n", ln.Addr()); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}
