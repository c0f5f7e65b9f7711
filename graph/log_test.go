package graph_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/sandbox"
)

// syncBuffer is a bytes.Buffer safe for the handler's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestOperationLogLine(t *testing.T) {
	var logs syncBuffer
	g := newGateway(t, func(c *graph.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})

	g.do(`query ProbeCompanies { a: company(name: "IBM") { name } b: company(name: "Nope Inc") { name } }`,
		nil, map[string]string{
			"X-API-AccessToken": sandbox.DefaultAccessToken,
			"X-API-SecretKey":   sandbox.DefaultSecretKey,
		})

	var line struct {
		Msg           string `json:"msg"`
		Operation     string `json:"operation"`
		UpstreamCalls int    `json:"upstream_calls"`
		Errors        int    `json:"errors"`
		Duration      int64  `json:"duration"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(logs.String())), &line); err != nil {
		t.Fatalf("log is not one JSON line: %v\n%s", err, logs.String())
	}
	if line.Msg != "graphql operation" || line.Operation != "ProbeCompanies" {
		t.Errorf("log line = %+v, want the operation ProbeCompanies", line)
	}
	if line.UpstreamCalls != 2 {
		t.Errorf("upstream_calls = %d, want 2", line.UpstreamCalls)
	}
	if line.Duration <= 0 {
		t.Errorf("duration = %d, want a positive duration", line.Duration)
	}
	for _, secret := range []string{sandbox.DefaultAccessToken, sandbox.DefaultSecretKey} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log contains a credential: %s", logs.String())
		}
	}
}

func TestInvalidDocumentIsLogged(t *testing.T) {
	var logs syncBuffer
	g := newGateway(t, func(c *graph.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})

	g.do(`{ nope }`, nil, nil)

	if !strings.Contains(logs.String(), `"operation":"(invalid)"`) ||
		!strings.Contains(logs.String(), "GRAPHQL_VALIDATION_FAILED") {
		t.Errorf("log lacks the invalid operation: %s", logs.String())
	}
}

func TestOperationLogErrorCodes(t *testing.T) {
	var logs syncBuffer
	g := newGateway(t, func(c *graph.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})

	g.do(`{ events(first: 0) { nodes { id } } }`, nil, nil)

	if !strings.Contains(logs.String(), `"error_codes":["BAD_USER_INPUT"]`) {
		t.Errorf("log lacks the error code: %s", logs.String())
	}
}
