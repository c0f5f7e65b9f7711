package live

import (
	"encoding/json"
	"hash/maphash"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
)

// encodingSlots is the number of responses whose encoding an
// encodingCache keeps.
const encodingSlots = 64

// maxCachedEncoding is the size of the largest encoding an encodingCache
// keeps, which bounds the memory it holds to encodingSlots times this.
const maxCachedEncoding = 64 << 10

// encodingCache keeps the JSON of recent subscription responses by
// pointer, for subscribers that share one *graphql.Response per event. It
// relies on each response being a new *graphql.Response, as gqlgen
// v0.17.98's generated subscription code and the shared live responses
// are, and on responses staying unchanged once a transport has them. The
// cache holds each response it keeps, so a pointer is not reused while it
// is in the cache.
type encodingCache struct {
	seed  maphash.Seed
	slots [encodingSlots]atomic.Pointer[encoding]
}

// encoding is a response with its JSON.
type encoding struct {
	resp *graphql.Response
	data []byte
}

func newEncodingCache() *encodingCache {
	return &encodingCache{seed: maphash.MakeSeed()}
}

// encode returns the JSON of resp, from the cache when shared is true. Two
// responses that fall into the same slot replace each other, which costs
// an extra encoding and never a wrong one.
func (e *encodingCache) encode(resp *graphql.Response, shared bool) ([]byte, error) {
	if !shared {
		return json.Marshal(resp)
	}
	slot := &e.slots[maphash.Comparable(e.seed, resp)%encodingSlots]
	if cached := slot.Load(); cached != nil && cached.resp == resp {
		return cached.data, nil
	}
	data, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	if len(data) <= maxCachedEncoding {
		slot.Store(&encoding{resp: resp, data: data})
	}
	return data, nil
}
