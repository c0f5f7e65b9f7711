package graph

import (
	"net/http"
	"testing"
)

func TestSharedKeyTellsURLsApart(t *testing.T) {
	mustRequest := func(raw string) *http.Request {
		req, err := http.NewRequest(http.MethodGet, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	same := [][2]string{
		{"http://127.0.0.1:1/api/v1/company/IBM?a=1", "http://127.0.0.1:1/api/v1/company/IBM?a=1"},
		{"http://127.0.0.1:1/api/v1/company/AT%26T", "http://127.0.0.1:1/api/v1/company/AT%26T"},
	}
	for _, pair := range same {
		if sharedKey(mustRequest(pair[0])) != sharedKey(mustRequest(pair[1])) {
			t.Errorf("%s and %s got different keys", pair[0], pair[1])
		}
	}
	different := [][2]string{
		{"http://127.0.0.1:1/api/v1/company/AC%2FDC", "http://127.0.0.1:1/api/v1/company/AC/DC"},
		{"http://127.0.0.1:1/api/v1/company/IBM?a=1", "http://127.0.0.1:1/api/v1/company/IBM?a=2"},
		{"http://127.0.0.1:1/a?b", "http://127.0.0.1:1/a%3Fb"},
		{"http://127.0.0.1:1/a", "http://127.0.0.1:2/a"},
		{"http://127.0.0.1:1/a", "https://127.0.0.1:1/a"},
		{"http://u:p@127.0.0.1:1/a", "http://u:q@127.0.0.1:1/a"},
		{"http://127.0.0.1:1/a%00b", "http://127.0.0.1:1/a"},
	}
	for _, pair := range different {
		if sharedKey(mustRequest(pair[0])) == sharedKey(mustRequest(pair[1])) {
			t.Errorf("%s and %s got the same key", pair[0], pair[1])
		}
	}

	withToken := mustRequest("http://127.0.0.1:1/a")
	withToken.Header.Set("X-API-AccessToken", "one")
	other := mustRequest("http://127.0.0.1:1/a")
	other.Header.Set("X-API-AccessToken", "two")
	if sharedKey(withToken) == sharedKey(other) {
		t.Error("requests with different access tokens got the same key")
	}
}
