package live_test

import (
	"slices"
	"testing"

	"github.com/cognism/graphql-gateway/graph/live"
)

func TestParseOriginsAcceptsOriginsAndStar(t *testing.T) {
	got, err := live.ParseOrigins(" https://dash.example.com, http://localhost:3000/ ,*,")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://dash.example.com", "http://localhost:3000/", "*"}
	if !slices.Equal(got, want) {
		t.Errorf("ParseOrigins = %q, want %q", got, want)
	}
}

func TestParseOriginsRejectsNonOrigins(t *testing.T) {
	for _, value := range []string{
		"dash.example.com", "https://dash.example.com/app", "ftp://x.example", "https://",
		"https://*.example.com", "http://b.example:99999", "http://b.example:port",
	} {
		if _, err := live.ParseOrigins(value); err == nil {
			t.Errorf("ParseOrigins(%q) accepted a value that is not an origin", value)
		}
	}
}
