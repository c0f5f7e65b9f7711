package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLiveClientsReceiveEvents runs e2e/live-clients.mjs, in which the npm
// clients graphql-ws, subscriptions-transport-ws and graphql-sse each
// subscribe to liveEvents and triggerFired on a running gateway and receive
// an event.
func TestLiveClientsReceiveEvents(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed; the live client check needs node 20 or later")
	}
	if _, err := os.Stat(filepath.Join("e2e", "node_modules")); errors.Is(err, os.ErrNotExist) {
		t.Skip("e2e/node_modules is missing; run `npm ci --prefix e2e` to install the clients")
	}
	t.Setenv("WEBHOOK_SECRET", "live-clients-test")
	base := startGateway(t)
	runNode(t, "live-clients.mjs", base)
}
