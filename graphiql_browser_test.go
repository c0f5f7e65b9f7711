package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// chromiumPath returns the browser e2e/graphiql.mjs launches: CHROMIUM_PATH, else Debian's
// chromium.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestGraphiQLInBrowser drives the GraphiQL page in headless Chromium: the example tabs, the
// CompanyProfile query against the sandbox and a liveEvents subscription over the websocket.
// Run with -artifacts to keep the screenshot.
func TestGraphiQLInBrowser(t *testing.T) {
	browser := chromiumPath()
	if _, err := os.Stat(browser); err != nil {
		t.Skipf("chromium not found at %s (set CHROMIUM_PATH, or `apt-get install -y chromium`): %v",
			browser, err)
	}
	playwright := filepath.Join("e2e", "node_modules", "playwright-core")
	if _, err := os.Stat(playwright); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is missing; run `npm ci --prefix e2e` (the test script does)", playwright)
	}

	// Events every 200 ms, so the subscription gets one soon after it starts.
	t.Setenv("SANDBOX_EVENT_INTERVAL", "200ms")
	base := startGateway(t)
	screenshot := filepath.Join(t.ArtifactDir(), "graphiql.png")

	runNode(t, "graphiql.mjs", base, screenshot)
}
