package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startGateway serves the gateway with a small in-memory sandbox on a free
// loopback port and returns its base URL. The server stops at the end of
// the test.
func startGateway(t *testing.T) string {
	t.Helper()
	t.Setenv("SANDBOX_DB", ":memory:")
	t.Setenv("SANDBOX_SCALE", "0.02")
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { done <- serveListener(ctx, ln, cfg, logger) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("gateway stopped with an error: %v", err)
		}
	})

	base := "http://" + ln.Addr().String()
	waitHealthy(t, base, done)
	return base
}

// waitHealthy polls /healthz until it returns 200, the server fails or
// 30 s pass.
func waitHealthy(t *testing.T, base string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("gateway exited before it was healthy: %v", err)
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("gateway was not healthy within 30 s")
}

// runNode runs an e2e script with node and fails the test with its output
// when it exits non-zero.
func runNode(t *testing.T, script string, args ...string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("e2e", "node_modules")); errors.Is(err, os.ErrNotExist) {
		t.Fatal("e2e/node_modules is missing; run `npm ci --prefix e2e` (the test script does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = "e2e"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node %s failed: %v\n%s", script, err, out)
	}
	t.Logf("node %s:\n%s", script, out)
}

func TestGraphQLOverHTTPAudit(t *testing.T) {
	base := startGateway(t)
	runNode(t, "audit.mjs", base+"/query")
}

func TestGraphiQLPageServed(t *testing.T) {
	base := startGateway(t)

	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)

	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", resp.StatusCode)
	}
	for _, want := range []string{"isHeadersEditorEnabled", "defaultTabs", "CompanyProfile"} {
		if !contains(body, want) {
			t.Errorf("GraphiQL page lacks %q", want)
		}
	}
	assets := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(body), -1)
	if len(assets) == 0 {
		t.Fatal("GraphiQL page loads no scripts or styles")
	}
	for _, m := range assets {
		if !strings.HasPrefix(m[1], "/") {
			t.Errorf("GraphiQL asset %s is not served by the gateway", m[1])
			continue
		}
		asset, err := http.Get(base + m[1])
		if err != nil {
			t.Fatal(err)
		}
		asset.Body.Close()
		if asset.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", m[1], asset.StatusCode)
		}
	}
}

func TestSandboxMountedInSandboxMode(t *testing.T) {
	base := startGateway(t)

	resp, err := http.Get(base + "/sandbox/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /sandbox/_sandbox/stats = %d, want 200", resp.StatusCode)
	}
}

func contains(body []byte, s string) bool {
	return strings.Contains(string(body), s)
}
