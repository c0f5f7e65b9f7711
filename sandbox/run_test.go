package sandbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SANDBOX_DB", filepath.Join(dir, "x.db"))
	t.Setenv("SANDBOX_SEED", "9")
	t.Setenv("SANDBOX_SCALE", "0.5")
	t.Setenv("SANDBOX_ACCOUNTS", "a:b, c:d:companies+events")
	t.Setenv("SANDBOX_EVENT_INTERVAL", "25ms")
	t.Setenv("SANDBOX_CALLBACK_ALLOW", "hooks.example.com, other.example.com")
	t.Setenv("SANDBOX_LATENCY", "5ms")
	cfg, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		DBPath: filepath.Join(dir, "x.db"), Seed: 9, Scale: 0.5,
		Accounts:      []Account{{AccessToken: "a", SecretKey: "b"}, {AccessToken: "c", SecretKey: "d", Areas: []string{"companies", "events"}}},
		EventInterval: 25 * time.Millisecond,
		CallbackAllow: []string{"hooks.example.com", "other.example.com"},
		Faults:        FaultConfig{LatencyMin: 5 * time.Millisecond, LatencyMax: 5 * time.Millisecond},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got %+v\nwant %+v", cfg, want)
	}
}

func TestConfigFromEnvDefaults(t *testing.T) {
	for _, name := range []string{"SANDBOX_DB", "SANDBOX_SEED", "SANDBOX_SCALE", "SANDBOX_ACCOUNTS", "SANDBOX_EVENT_INTERVAL", "SANDBOX_CALLBACK_ALLOW"} {
		t.Setenv(name, "")
	}
	t.Setenv("XDG_CACHE_HOME", "/tmp/cache-home")
	cfg, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DBPath != "/tmp/cache-home/cognism-sandbox/sandbox.db" || cfg.Seed != 1 || cfg.Accounts != nil {
		t.Errorf("defaults = %+v", cfg)
	}
	full := cfg.withDefaults()
	if full.Accounts[0].AccessToken != DefaultAccessToken || full.EventInterval != DefaultEventInterval || full.Scale != 1 {
		t.Errorf("withDefaults = %+v", full)
	}
}

func TestConfigFromEnvErrors(t *testing.T) {
	cases := []struct{ name, value, words string }{
		{"SANDBOX_SEED", "one", "SANDBOX_SEED"},
		{"SANDBOX_SCALE", "-1", "SANDBOX_SCALE"},
		{"SANDBOX_ACCOUNTS", "tokenonly", "token:secret"},
		{"SANDBOX_ACCOUNTS", "a:b:billing", "billing"},
		{"SANDBOX_EVENT_INTERVAL", "2", "SANDBOX_EVENT_INTERVAL"},
		{"SANDBOX_LATENCY", "fast", "SANDBOX_LATENCY"},
		{"SANDBOX_ERROR_RATE", "many", "SANDBOX_ERROR_RATE"},
		{"SANDBOX_WS_DROP_AFTER", "x", "SANDBOX_WS_DROP_AFTER"},
	}
	for _, c := range cases {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			t.Setenv("SANDBOX_DB", ":memory:")
			t.Setenv(c.name, c.value)
			_, err := ConfigFromEnv()
			if err == nil || !strings.Contains(err.Error(), c.words) {
				t.Errorf("err = %v, want one naming %s", err, c.words)
			}
		})
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	t.Setenv("SANDBOX_DB", filepath.Join(t.TempDir(), "run.db"))
	t.Setenv("SANDBOX_SCALE", "0.02")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(runCtx, []string{"-addr", addr}) }()

	waitFor(t, "the sandbox to listen", func() bool {
		resp, err := http.Get("http://" + addr + "/openapi.yaml")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v, want nil after cancellation", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after cancellation")
	}
}

func TestRunRejectsBadFlag(t *testing.T) {
	err := Run(context.Background(), []string{"-port", "1"})
	if err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("Run with an unknown flag = %v, want an error", err)
	}
}
