package graph_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/graph"
)

type eventPage struct {
	Events struct {
		Edges []struct {
			Cursor string
			Node   struct{ ID string }
		}
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
	}
}

func (p eventPage) ids() []string {
	var ids []string
	for _, e := range p.Events.Edges {
		ids = append(ids, e.Node.ID)
	}
	return ids
}

const pageQuery = `query ($first: Int, $after: String, $f: EventFilter) {
	events(first: $first, after: $after, filter: $f) {
		edges { cursor node { id } }
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
	}
}`

func TestEventPagesFollowOneAnother(t *testing.T) {
	g := newGateway(t)
	var whole eventPage
	g.query(pageQuery, map[string]any{"first": 12}, &whole)
	want := whole.ids()

	var got []string
	var after any
	for i := 0; i < 4; i++ {
		var page eventPage
		g.query(pageQuery, map[string]any{"first": 3, "after": after}, &page)
		got = append(got, page.ids()...)
		if page.Events.PageInfo.HasPreviousPage != (i > 0) {
			t.Errorf("page %d: hasPreviousPage = %v", i, page.Events.PageInfo.HasPreviousPage)
		}
		if !page.Events.PageInfo.HasNextPage {
			t.Fatalf("page %d: hasNextPage = false with more events", i)
		}
		after = *page.Events.PageInfo.EndCursor
	}

	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("four pages of 3 = %v, want the first 12 = %v", got, want)
	}
}

func TestEventPageUnalignedOffsets(t *testing.T) {
	g := newGateway(t)
	var whole eventPage
	g.query(pageQuery, map[string]any{"first": 60}, &whole)
	want := whole.ids()

	for _, tc := range []struct{ skip, first int }{{7, 5}, {9, 50}, {1, 3}, {29, 30}} {
		cursor := whole.Events.Edges[tc.skip-1].Cursor
		var page eventPage
		g.query(pageQuery, map[string]any{"first": tc.first, "after": cursor}, &page)
		end := min(tc.skip+tc.first, len(want))
		if got := page.ids(); strings.Join(got, ",") != strings.Join(want[tc.skip:end], ",") {
			t.Errorf("after item %d, first %d: got %v, want %v", tc.skip, tc.first, got, want[tc.skip:end])
		}
	}
}

func TestHasNextPageOnlyWhenMoreExist(t *testing.T) {
	g := newGateway(t)
	filter := map[string]any{"organizations": []string{"IBM"}, "types": []string{"job-leave"}}
	var all eventPage
	g.query(pageQuery, map[string]any{"first": 200, "f": filter}, &all)
	n := len(all.Events.Edges)
	if n == 0 || n == 200 {
		t.Fatalf("need between 1 and 199 IBM job-leave events, have %d", n)
	}
	if all.Events.PageInfo.HasNextPage {
		t.Error("hasNextPage = true on a page holding every event")
	}

	var exact eventPage
	g.query(pageQuery, map[string]any{"first": n, "f": filter}, &exact)
	if exact.Events.PageInfo.HasNextPage {
		t.Errorf("hasNextPage = true with first equal to all %d events", n)
	}

	if n > 1 {
		var short eventPage
		g.query(pageQuery, map[string]any{"first": n - 1, "f": filter}, &short)
		if !short.Events.PageInfo.HasNextPage {
			t.Errorf("hasNextPage = false with one of %d events left", n)
		}
	}

	var past eventPage
	g.query(pageQuery, map[string]any{"first": 5, "f": filter, "after": *all.Events.PageInfo.EndCursor}, &past)
	if len(past.Events.Edges) != 0 || past.Events.PageInfo.HasNextPage || past.Events.PageInfo.EndCursor != nil {
		t.Errorf("page after the last = %+v, want empty with no cursors", past.Events)
	}
}

func TestFirstOutOfRangeIsBadInput(t *testing.T) {
	g := newGateway(t)
	queries := map[string]string{
		"events 0":        `{ events(first: 0) { nodes { id } } }`,
		"events 201":      `{ events(first: 201) { nodes { id } } }`,
		"searchEvents -1": `{ searchEvents(first: -1, search: {pipeline: [{name: "type", operator: EQ, values: ["quote"]}]}) { nodes { id } } }`,
		"eventsCsv 500":   `{ eventsCsv(first: 500) }`,
		"people 0":        `{ company(name: "IBM") { people(first: 0) { id } } }`,
		"news 300":        `{ company(name: "IBM") { news(first: 300) { nodes { id } } } }`,
		"person events 0": `{ people(company: "IBM") { events(first: 0) { id } } }`,
	}
	for name, query := range queries {
		t.Run(name, func(t *testing.T) {
			resp := g.do(query, nil, nil)
			if resp.code() != graph.CodeBadUserInput {
				t.Fatalf("code = %q, want %s (errors %+v)", resp.code(), graph.CodeBadUserInput, resp.Errors)
			}
			if !strings.Contains(resp.Errors[0].Message, "1 to 200") {
				t.Errorf("message %q does not give the range", resp.Errors[0].Message)
			}
		})
	}
}

func TestBadCursorIsBadInput(t *testing.T) {
	g := newGateway(t)
	overflow := base64.RawURLEncoding.EncodeToString([]byte("cursor:v1:9223372036854775807"))
	for _, cursor := range []string{"not-a-cursor", "Y3Vyc29yOnYxOi01", "Y3Vyc29yOnYxOng", "", "%%%", overflow} {
		resp := g.do(pageQuery, map[string]any{"first": 3, "after": cursor}, nil)
		if resp.code() != graph.CodeBadUserInput {
			t.Errorf("after %q: code = %q, want %s", cursor, resp.code(), graph.CodeBadUserInput)
			continue
		}
		if !strings.Contains(resp.Errors[0].Message, "after") {
			t.Errorf("after %q: message %q does not name the argument", cursor, resp.Errors[0].Message)
		}
	}
}
