package graph_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/bench/queries"
	"github.com/cognism/graphql-gateway/graph"
)

// slowUpstream serves the shared sandbox with a fixed delay on every
// request and records when each request started and ended. The delay is
// long enough that a busy machine does not make calls of one level start
// after others of that level end.
type slowUpstream struct {
	delay time.Duration

	mu    sync.Mutex
	spans []queries.Span
}

func (u *slowUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	time.Sleep(u.delay)
	sharedSandbox.Handler().ServeHTTP(w, r)
	u.mu.Lock()
	u.spans = append(u.spans, queries.Span{Start: start, End: time.Now()})
	u.mu.Unlock()
}

func (u *slowUpstream) waves() (waves, calls int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return queries.Waves(u.spans), len(u.spans)
}

// nestedJoins selects joins under plain fields (connection nodes and
// edges, a person's experience) beside joins of their parents, as Q3 does
// with a document's quotations. Each level's calls must start together.
var nestedJoins = []queries.Query{
	{Name: "event nodes and edges", Depth: 3, Text: `{
  events(first: 10) {
    nodes { company { name } }
    edges { node { person { currentCompany { name } experience { company { name } } } } }
  }
}`},
}

// A join nested under a plain field must not wait for its parent's other
// joins: with a concurrency bound above the number of keys, each level of
// the query costs one round of upstream calls.
func TestJoinLevelsCallUpstreamTogether(t *testing.T) {
	for _, q := range append(append([]queries.Query{}, queries.All...), nestedJoins...) {
		t.Run(q.Name, func(t *testing.T) {
			upstream := &slowUpstream{delay: 150 * time.Millisecond}
			api := httptest.NewServer(upstream)
			defer api.Close()
			g := newGatewayOver(t, api.URL, func(c *graph.Config) { c.UpstreamConcurrency = 256 })

			resp := g.do(q.Text, nil, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("query failed: %+v", resp.Errors)
			}
			waves, calls := upstream.waves()
			if calls <= q.Depth {
				t.Fatalf("%d upstream calls; the query should join more than %d", calls, q.Depth)
			}
			if waves != q.Depth {
				t.Errorf("upstream calls ran in %d rounds one after another, want %d (the query's depth)",
					waves, q.Depth)
			}
		})
	}
}
