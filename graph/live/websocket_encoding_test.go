package live

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

func TestEncodingCacheReusesSharedResponse(t *testing.T) {
	cache := newEncodingCache()
	resp := &graphql.Response{Data: json.RawMessage(`{"liveEvents":{"id":"1"}}`)}

	first, err := cache.encode(resp, true)
	if err != nil {
		t.Fatal(err)
	}
	second, err := cache.encode(resp, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"data":{"liveEvents":{"id":"1"}}}`; string(first) != want {
		t.Errorf("encoding = %s, want %s", first, want)
	}
	if &first[0] != &second[0] {
		t.Error("the second encoding of one shared response was not taken from the cache")
	}
}

func TestEncodingCacheSeparatesResponses(t *testing.T) {
	cache := newEncodingCache()
	a := &graphql.Response{Data: json.RawMessage(`{"n":1}`)}
	b := &graphql.Response{Data: json.RawMessage(`{"n":2}`)}

	// Each response is encoded twice, so a slot taken by the other
	// response is caught too.
	for range 2 {
		wants := map[*graphql.Response]string{a: `{"data":{"n":1}}`, b: `{"data":{"n":2}}`}
		for resp, want := range wants {
			got, err := cache.encode(resp, true)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("encoding = %s, want %s", got, want)
			}
		}
	}
}

func TestEncodingCacheSkipsUnsharedAndLarge(t *testing.T) {
	cache := newEncodingCache()
	small := &graphql.Response{Data: json.RawMessage(`{"n":1}`)}
	first, _ := cache.encode(small, false)
	second, _ := cache.encode(small, false)
	if &first[0] == &second[0] {
		t.Error("an unshared response was cached")
	}

	text := bytes.Repeat([]byte("x"), maxCachedEncoding)
	large := &graphql.Response{Data: json.RawMessage(`"` + string(text) + `"`)}
	first, _ = cache.encode(large, true)
	second, _ = cache.encode(large, true)
	if &first[0] == &second[0] {
		t.Errorf("a response of %d bytes was cached, above the maximum of %d", len(first), maxCachedEncoding)
	}
}
