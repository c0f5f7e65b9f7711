package graph_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cognism/graphql-gateway/bench/queries"
	"github.com/cognism/graphql-gateway/graph"
)

// callsBy returns the sandbox's counters for the endpoints in want.
func callsBy(want map[string]int) map[string]int {
	stats := upstreamCalls()
	got := map[string]int{}
	for endpoint := range want {
		got[endpoint] = int(stats.Endpoints[endpoint])
	}
	for endpoint, n := range stats.Endpoints {
		if _, ok := want[endpoint]; !ok && n > 0 {
			got[endpoint] = int(n)
		}
	}
	return got
}

func TestJoinsMakeOneCallPerDistinctKey(t *testing.T) {
	for _, q := range queries.All {
		t.Run(q.Name, func(t *testing.T) {
			g := newGateway(t)
			resetUpstream(t)

			resp := g.do(q.Text, nil, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("query failed: %+v", resp.Errors)
			}
			want, err := q.Minimum(resp.Data)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("minimum calls: %v", want)
			if diff := cmp.Diff(want, callsBy(want)); diff != "" {
				t.Errorf("upstream calls per endpoint differ from one per distinct key (-minimum +made):\n%s", diff)
			}
		})
	}
}

func TestUnbatchedResolversCallMore(t *testing.T) {
	g := newGateway(t, func(c *graph.Config) { c.Unbatched = true })
	resetUpstream(t)

	resp := g.do(queries.Q1.Text, nil, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("query failed: %+v", resp.Errors)
	}
	want, err := queries.Q1.Minimum(resp.Data)
	if err != nil {
		t.Fatal(err)
	}

	if made, minimum := int(upstreamCalls().Total), queries.Total(want); made <= minimum {
		t.Errorf("without loaders Q1 made %d calls, want more than the minimum %d", made, minimum)
	}
}

func TestLoadersAreNotSharedAcrossRequests(t *testing.T) {
	g := newGateway(t)
	resetUpstream(t)

	g.do(`{ company(name: "IBM") { name } }`, nil, nil)
	g.do(`{ company(name: "IBM") { name } }`, nil, nil)

	if n := upstreamCalls().Endpoints[queries.EndpointCompany]; n != 2 {
		t.Errorf("two requests made %d company calls, want 2 (one each)", n)
	}
}

func TestSameNameFetchedOncePerRequest(t *testing.T) {
	g := newGateway(t)
	resetUpstream(t)

	resp := g.do(`{
		a: company(name: "IBM") { name }
		b: company(name: "ibm") { name }
		c: companies(name: "Ibm") { name }
	}`, nil, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("query failed: %+v", resp.Errors)
	}

	if n := upstreamCalls().Endpoints[queries.EndpointCompany]; n != 1 {
		t.Errorf("three spellings of IBM made %d company calls, want 1", n)
	}
}

func TestListsFetchOnlySelectedJoins(t *testing.T) {
	for _, c := range []struct {
		name, query string
	}{
		{"documents", `{ documents(search: {sources: ["Reuters"], keywords: ["appoints"]}) {
			documents { quotations { speakerName } organizations { name } } } }`},
		{"events", `{ events(first: 20) { nodes { organization company { name } } } }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGateway(t)
			resetUpstream(t)

			resp := g.do(c.query, nil, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("query failed: %+v", resp.Errors)
			}
			calls := callsBy(map[string]int{})
			if n := calls[queries.EndpointPeople]; n != 0 {
				t.Errorf("a list selecting no person made %d person calls, want 0", n)
			}
			if calls[queries.EndpointCompany] == 0 {
				t.Error("a list selecting companies made no company call")
			}
		})
	}
}
