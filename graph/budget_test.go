package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
	"github.com/cognism/graphql-gateway/graph/loader"
)

// fanOutQuery makes one event-stream call per person of a company.
const fanOutQuery = `{ people(company: "IBM") { fullName events(first: 1) { type } } }`

// eventJoinQuery makes one company call per distinct organisation of the
// newest events, and Event.company is nullable, so a rejected call leaves
// the rest of the page in place.
const eventJoinQuery = `{ events(first: 50) { nodes { organization company { name } } } }`

// budgetErrors returns the errors coded UPSTREAM_BUDGET_EXCEEDED and fails
// the test for any other error.
func budgetErrors(t *testing.T, resp response) []gqlError {
	t.Helper()
	var out []gqlError
	for _, e := range resp.Errors {
		if e.Extensions["code"] != graph.CodeUpstreamBudget {
			t.Errorf("error %q has code %v, want %s", e.Message, e.Extensions["code"], graph.CodeUpstreamBudget)
			continue
		}
		out = append(out, e)
	}
	return out
}

func TestUpstreamBudgetStopsFanOut(t *testing.T) {
	unlimited := newGateway(t, func(c *graph.Config) { c.MaxUpstreamCalls = -1 })
	var all struct{ People []struct{ FullName string } }
	unlimited.query(fanOutQuery, nil, &all)
	const budget = 5
	if len(all.People) <= budget {
		t.Fatalf("IBM has %d people in the sandbox, want more than %d", len(all.People), budget)
	}

	g := newGateway(t, func(c *graph.Config) { c.MaxUpstreamCalls = budget })
	resetUpstream(t)
	resp := g.do(fanOutQuery, nil, nil)

	if made := upstreamCalls().Total; made > budget {
		t.Errorf("sandbox received %d calls, want at most %d", made, budget)
	}
	rejected := budgetErrors(t, resp)
	// One call lists the people and budget-1 fetch events, so every other
	// person's events fail. Person.events, its list and Query.people are
	// non-null, so these errors null the whole data of this query.
	if want := len(all.People) - (budget - 1); len(rejected) != want {
		t.Errorf("got %d budget errors, want %d", len(rejected), want)
	}
	for _, e := range rejected {
		if !strings.Contains(e.Message, fmt.Sprintf("more than %d upstream calls", budget)) {
			t.Errorf("message %q does not state the budget of %d calls", e.Message, budget)
		}
		if !strings.Contains(e.Message, "smaller first") {
			t.Errorf("message %q does not say how to request fewer items", e.Message)
		}
		if len(e.Path) == 0 || e.Path[len(e.Path)-1] != "events" {
			t.Errorf("error path %v does not end at the events field", e.Path)
		}
	}
}

func TestUpstreamBudgetKeepsPartialData(t *testing.T) {
	unlimited := newGateway(t, func(c *graph.Config) { c.MaxUpstreamCalls = -1 })
	resetUpstream(t)
	var all json.RawMessage
	unlimited.query(eventJoinQuery, nil, &all)
	needed := upstreamCalls().Total
	budget := needed / 2
	if budget < 2 {
		t.Fatalf("the query needs %d upstream calls, want at least 4 to test half of them", needed)
	}

	g := newGateway(t, func(c *graph.Config) { c.MaxUpstreamCalls = int(budget) })
	resetUpstream(t)
	resp := g.do(eventJoinQuery, nil, nil)

	if made := upstreamCalls().Total; made > budget {
		t.Errorf("sandbox received %d calls, want at most %d", made, budget)
	}
	if len(budgetErrors(t, resp)) == 0 {
		t.Error("no UPSTREAM_BUDGET_EXCEEDED error for a query over the budget")
	}
	var data struct {
		Events struct {
			Nodes []struct {
				Organization string
				Company      *struct{ Name string }
			}
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatalf("decoding data: %v\n%s", err, resp.Data)
	}
	if len(data.Events.Nodes) != 50 {
		t.Errorf("got %d events, want the whole page of 50 beside the errors", len(data.Events.Nodes))
	}
	joined := 0
	for _, node := range data.Events.Nodes {
		if node.Company != nil {
			joined++
		}
	}
	if joined == 0 {
		t.Error("no event kept its company, want the joins within the budget")
	}
}

func TestDefaultUpstreamBudgetAllowsFanOut(t *testing.T) {
	g := newGateway(t)

	resp := g.do(fanOutQuery, nil, nil)

	if len(resp.Errors) > 0 {
		t.Errorf("fan-out at test scale failed under the default budget of %d: %+v",
			graph.DefaultMaxUpstreamCalls, resp.Errors[0])
	}
}

func TestUpstreamBudgetErrorIsNotCached(t *testing.T) {
	if loader.Cacheable(&graph.UpstreamBudgetError{Max: 1}) {
		t.Error("loaders cache an upstream budget error, want it dropped after the load")
	}
}
