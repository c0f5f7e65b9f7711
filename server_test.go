package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cognism/graphql-gateway/graph"
)

func TestCommittedSchemaIsCurrent(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"schema"}, &out); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(committed), out.String()); diff != "" {
		t.Errorf("schema.graphql is stale; run `go run . schema > schema.graphql` (-committed +current):\n%s", diff)
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":8080" {
		t.Errorf("addr = %q, want :8080", cfg.addr)
	}
	if cfg.upstreamURL != "" {
		t.Errorf("upstreamURL = %q, want empty for sandbox mode", cfg.upstreamURL)
	}
	if cfg.upstreamConcurrency != 8 {
		t.Errorf("upstreamConcurrency = %d, want 8", cfg.upstreamConcurrency)
	}
	if cfg.upstreamTimeout != 30*time.Second {
		t.Errorf("upstreamTimeout = %s, want 30s", cfg.upstreamTimeout)
	}
	if cfg.maxUpstreamCalls != graph.DefaultMaxUpstreamCalls {
		t.Errorf("maxUpstreamCalls = %d, want %d", cfg.maxUpstreamCalls, graph.DefaultMaxUpstreamCalls)
	}
}

func TestLoadConfigMaxUpstreamCalls(t *testing.T) {
	cases := []struct {
		args []string
		env  string
		want int
	}{
		{env: "40", want: 40},
		{env: "-1", want: -1},
		{args: []string{"-max-upstream-calls", "-1"}, env: "40", want: -1},
		{args: []string{"-max-upstream-calls", "600"}, want: 600},
	}
	for _, tc := range cases {
		env := map[string]string{"MAX_UPSTREAM_CALLS": tc.env}
		cfg, err := loadConfig(tc.args, func(k string) string { return env[k] })
		if err != nil {
			t.Errorf("loadConfig(%v, MAX_UPSTREAM_CALLS=%q): %v", tc.args, tc.env, err)
			continue
		}
		if cfg.maxUpstreamCalls != tc.want {
			t.Errorf("loadConfig(%v, MAX_UPSTREAM_CALLS=%q).maxUpstreamCalls = %d, want %d",
				tc.args, tc.env, cfg.maxUpstreamCalls, tc.want)
		}
	}
}

func TestLoadConfigFlagBeatsEnvironment(t *testing.T) {
	env := map[string]string{"ADDR": ":9000", "UPSTREAM_CONCURRENCY": "4", "LOG_LEVEL": "debug"}
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:9100"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:9100" {
		t.Errorf("addr = %q, want the flag's 127.0.0.1:9100", cfg.addr)
	}
	if cfg.upstreamConcurrency != 4 {
		t.Errorf("upstreamConcurrency = %d, want 4 from UPSTREAM_CONCURRENCY", cfg.upstreamConcurrency)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	cases := map[string]map[string]string{
		"log level":      {"LOG_LEVEL": "loud"},
		"concurrency":    {"UPSTREAM_CONCURRENCY": "zero"},
		"max calls":      {"MAX_UPSTREAM_CALLS": "0"},
		"max calls -2":   {"MAX_UPSTREAM_CALLS": "-2"},
		"max calls text": {"MAX_UPSTREAM_CALLS": "many"},
		"timeout":        {"UPSTREAM_TIMEOUT": "soon"},
		"secret alone":   {"COGNISM_SECRET_KEY": "secret"},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := loadConfig(nil, func(k string) string { return env[k] }); err == nil {
				t.Errorf("loadConfig accepted %v", env)
			}
		})
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	for _, args := range [][]string{{"foo"}, {"schema", "extra"}, {"-addr", "127.0.0.1:0", "foo"}, {"-no-such-flag"}} {
		err := run(context.Background(), args, io.Discard)

		var usageErr *usageError
		if !errors.As(err, &usageErr) {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
}

func TestGraphiQLRouteServesGetOnly(t *testing.T) {
	srv := httptest.NewServer(routes(upstream{}, http.NotFoundHandler()))
	defer srv.Close()

	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req, err := http.NewRequest(method, srv.URL+"/", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s / = %d, want 405", method, resp.StatusCode)
		}
	}

	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET / = %d, want 200", resp.StatusCode)
	}
}
