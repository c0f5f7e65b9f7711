package graph_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/bench/queries"
	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph"
)

// injectedAt is the time, in Unix milliseconds, of the last event
// injectEvents stored. It starts in 2001, before every seeded event, so
// that unfiltered lists, which are newest first, keep injected events at
// their end.
var injectedAt atomic.Int64

func init() {
	injectedAt.Store(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
}

// orgCount numbers the organisations of newShiftingOrg.
var orgCount atomic.Int64

// newShiftingOrg returns an organisation name that no seeded event and no
// earlier test uses, so a filter on it selects only the events a test
// injects.
func newShiftingOrg() string {
	return fmt.Sprintf("Paging Shift Test %d Ltd", orgCount.Add(1))
}

// injectEvents stores n events of org in the shared sandbox, each newer
// than every event injected before, so they go to the front of the list.
func injectEvents(t *testing.T, org string, n int) {
	t.Helper()
	for range n {
		ev := cognism.Event{Type: "quote", Org: org, At: cognism.FlexInt(injectedAt.Add(1))}
		if _, err := sharedSandbox.InjectEvent(context.Background(), ev); err != nil {
			t.Fatalf("injecting an event of %s: %v", org, err)
		}
	}
}

// orgPage returns a page of the events of org.
func orgPage(g *gateway, org string, first int, after any) eventPage {
	var page eventPage
	filter := map[string]any{"organizations": []string{org}}
	g.query(pageQuery, map[string]any{"first": first, "after": after, "f": filter}, &page)
	return page
}

// following returns the ids that follow id in ids, at most n of them.
func following(ids []string, id string, n int) []string {
	i := slices.Index(ids, id)
	if i < 0 {
		return nil
	}
	rest := ids[i+1:]
	return rest[:min(n, len(rest))]
}

func TestNextPageAfterEventsPrepended(t *testing.T) {
	const first = 5
	g := newGateway(t)
	for _, prepended := range []int{0, 1, 3, first} {
		t.Run(fmt.Sprintf("%d new", prepended), func(t *testing.T) {
			org := newShiftingOrg()
			injectEvents(t, org, 20)
			page1 := orgPage(g, org, first, nil)
			injectEvents(t, org, prepended)
			page2 := orgPage(g, org, first, *page1.Events.PageInfo.EndCursor)

			for _, id := range page2.ids() {
				if slices.Contains(page1.ids(), id) {
					t.Errorf("event %s is on page 1 %v and again on page 2 %v", id, page1.ids(), page2.ids())
				}
			}
			now := orgPage(g, org, 50, nil).ids()
			last := page1.ids()[first-1]
			if want := following(now, last, first); !slices.Equal(page2.ids(), want) {
				t.Errorf("page 2 = %v, want the %d events after %s now: %v", page2.ids(), first, last, want)
			}
			if !page2.Events.PageInfo.HasPreviousPage {
				t.Error("page 2: hasPreviousPage = false")
			}
		})
	}
}

func TestWalkSeesEachEventOnce(t *testing.T) {
	g := newGateway(t)
	org := newShiftingOrg()
	injectEvents(t, org, 23)
	want := orgPage(g, org, 50, nil).ids()

	var got []string
	var after any
	for range 10 {
		page := orgPage(g, org, 4, after)
		got = append(got, page.ids()...)
		if !page.Events.PageInfo.HasNextPage {
			break
		}
		after = *page.Events.PageInfo.EndCursor
		injectEvents(t, org, 3)
	}

	if !slices.Equal(got, want) {
		t.Errorf("pages with 3 events prepended before each = %v, "+
			"want each of the first 23 once, in order: %v", got, want)
	}
}

func TestEdgeCursorsFollowPrependedEvents(t *testing.T) {
	g := newGateway(t)
	org := newShiftingOrg()
	injectEvents(t, org, 12)
	page1 := orgPage(g, org, 3, nil)
	injectEvents(t, org, 2)
	page2 := orgPage(g, org, 3, *page1.Events.PageInfo.EndCursor)

	now := orgPage(g, org, 50, nil)
	for i, edge := range page2.Events.Edges {
		at := slices.Index(now.ids(), edge.Node.ID)
		if at < 0 {
			t.Fatalf("event %s of page 2 is not in the list", edge.Node.ID)
		}
		if edge.Cursor != now.Events.Edges[at].Cursor {
			t.Errorf("edge %d cursor %q differs from the cursor %q of the same event in a fresh page",
				i, edge.Cursor, now.Events.Edges[at].Cursor)
		}
	}
}

func TestEventsCsvAfterEventsPrepended(t *testing.T) {
	g := newGateway(t)
	org := newShiftingOrg()
	injectEvents(t, org, 12)
	page1 := orgPage(g, org, 4, nil)
	injectEvents(t, org, 3)

	var csv struct{ EventsCsv string }
	vars := map[string]any{
		"after": *page1.Events.PageInfo.EndCursor,
		"f":     map[string]any{"organizations": []string{org}},
	}
	g.query(`query ($after: String, $f: EventFilter) {
		eventsCsv(first: 4, after: $after, filter: $f)
	}`, vars, &csv)

	for _, id := range page1.ids() {
		if strings.Contains(csv.EventsCsv, id) {
			t.Errorf("eventsCsv after page 1 repeats its event %s", id)
		}
	}
	now := orgPage(g, org, 50, nil).ids()
	for _, id := range following(now, page1.ids()[3], 4) {
		if !strings.Contains(csv.EventsCsv, id) {
			t.Errorf("eventsCsv after page 1 lacks event %s that follows it", id)
		}
	}
}

func TestOffsetCursorStillAccepted(t *testing.T) {
	g := newGateway(t)
	org := newShiftingOrg()
	injectEvents(t, org, 12)
	all := orgPage(g, org, 50, nil).ids()

	v1 := base64.RawURLEncoding.EncodeToString([]byte("cursor:v1:4"))
	page := orgPage(g, org, 5, v1)
	if !slices.Equal(page.ids(), all[5:10]) {
		t.Errorf("after the offset cursor of item 4: %v, want items 5 to 9: %v", page.ids(), all[5:10])
	}
}

func TestNextPageCallsUnchanged(t *testing.T) {
	g := newGateway(t)
	org := newShiftingOrg()
	injectEvents(t, org, 30)
	var after any
	for page := range 4 {
		resetUpstream(t)
		next := orgPage(g, org, 6, after)
		if n := upstreamCalls().Endpoints[queries.EndpointEvents]; n != 1 {
			t.Errorf("page %d made %d event stream calls, want 1", page+1, n)
		}
		after = *next.Events.PageInfo.EndCursor
	}
}

func TestDocumentPagesFollowOneAnother(t *testing.T) {
	g := newGateway(t)
	const query = `query ($first: Int, $after: String) {
		documentsByEntity(first: $first, after: $after, search: {
			term: "IBM", tag: ORGANIZATION, sources: ` + allSources + `,
			dateFrom: "2015-01-01", dateTo: "2026-12-31"
		}) {
			nodes { id }
			pageInfo { endCursor hasNextPage }
		}
	}`
	type page struct {
		DocumentsByEntity struct {
			Nodes    []struct{ ID string }
			PageInfo struct {
				EndCursor   *string
				HasNextPage bool
			}
		}
	}
	uids := func(p page) []string {
		var out []string
		for _, n := range p.DocumentsByEntity.Nodes {
			out = append(out, n.ID)
		}
		return out
	}
	var whole page
	g.query(query, map[string]any{"first": 6}, &whole)
	if len(whole.DocumentsByEntity.Nodes) < 6 {
		t.Fatalf("need 6 documents about IBM, have %d", len(whole.DocumentsByEntity.Nodes))
	}

	var got []string
	var after any
	for range 3 {
		var p page
		g.query(query, map[string]any{"first": 2, "after": after}, &p)
		got = append(got, uids(p)...)
		after = *p.DocumentsByEntity.PageInfo.EndCursor
	}
	if strings.Join(got, ",") != strings.Join(uids(whole), ",") {
		t.Errorf("three pages of 2 = %v, want the first 6 = %v", got, uids(whole))
	}
}

func TestBadAnchoredCursorIsBadInput(t *testing.T) {
	g := newGateway(t)
	for _, text := range []string{
		"cursor:v2:5",
		"cursor:v2:5:",
		"cursor:v2:x:e1",
		"cursor:v2:-1:e1",
		"cursor:v2:9223372036854775807:e1",
		"cursor:v2:5:" + strings.Repeat("x", 257),
		"cursor:v3:5:e1",
	} {
		cursor := base64.RawURLEncoding.EncodeToString([]byte(text))
		resp := g.do(pageQuery, map[string]any{"first": 3, "after": cursor}, nil)
		if resp.code() != graph.CodeBadUserInput {
			t.Errorf("after %q: code = %q, want %s", text, resp.code(), graph.CodeBadUserInput)
			continue
		}
		if !strings.Contains(resp.Errors[0].Message, "after") {
			t.Errorf("after %q: message %q does not name the argument", text, resp.Errors[0].Message)
		}
		if !strings.Contains(resp.Errors[0].Message, "endCursor") {
			t.Errorf("after %q: message %q does not say what to pass", text, resp.Errors[0].Message)
		}
	}
}
