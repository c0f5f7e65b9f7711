package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

func TestCloseEndsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()

	srv, err := New(context.Background(), Config{
		DBPath: ":memory:", Seed: 2, Scale: testScale, EventInterval: 5 * time.Millisecond,
		CallbackRetryDelay: time.Hour, Logger: quietLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	client := newTestClient(t, hs.URL, DefaultAccessToken, DefaultSecretKey)

	in := cognism.SubscriptionInput{
		Name: "failing", Active: true, Pattern: map[string]string{},
		Callback: cognism.Callback{Method: "POST", URL: failing.URL, Headers: []string{}},
	}
	if _, err := client.CreateSubscription(ctx, in); err != nil {
		t.Fatal(err)
	}
	stream, err := client.JoinWebsocket(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	nextEvent(t, stream)

	// Close must end the generator, the socket and the deliveries waiting
	// an hour for their retry.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	hs.Close()
	failing.Close()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()

	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}
