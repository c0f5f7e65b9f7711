package graph

import (
	"slices"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/model"
)

// MaxPageSize is the largest first a connection accepts.
const MaxPageSize = 200

// pageSize checks a first argument; nil means the schema default def.
func pageSize(argument string, first *int, def int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || *first > MaxPageSize {
		return 0, inputErrorf(argument, "%d is out of range; use 1 to %d", *first, MaxPageSize)
	}
	return *first, nil
}

// window is the slice of a list that one connection page needs: first
// items from offset, plus one more to tell whether a next page exists.
type window struct {
	offset int
	first  int
	// anchor is the id of the item before offset, from the after cursor,
	// or empty when the cursor stores no id.
	anchor string
}

// newWindow reads first and after into a window.
func newWindow(first *int, def int, after *string) (window, error) {
	n, err := pageSize("first", first, def)
	if err != nil {
		return window{}, err
	}
	offset, anchor, err := decodeCursor(after)
	if err != nil {
		return window{}, err
	}
	return window{offset: offset, first: n, anchor: anchor}, nil
}

// upstreamPage is one page request of an upstream list: zero-based page
// and page size.
type upstreamPage struct {
	page  int
	count int
	skip  int // items of the page before the window
}

// pages returns the upstream pages that cover the window and one item
// more. One page of size count covers it when the window does not cross a
// page border, and the smallest such count up to limit is used. Without
// one, two pages of size first+1 always cover first+1 items.
func (w window) pages(limit int) []upstreamPage {
	need := w.first + 1
	for count := need; count <= limit; count++ {
		if w.offset/count == (w.offset+need-1)/count {
			return []upstreamPage{{page: w.offset / count, count: count, skip: w.offset % count}}
		}
	}
	page := w.offset / need
	skip := w.offset % need
	return []upstreamPage{{page: page, count: need, skip: skip}, {page: page + 1, count: need}}
}

// plan returns the upstream pages to request for the window. With an
// anchor, these are the wide pages unless they take more requests than the
// window alone. In that case plan returns the single page that contains
// the window with the most room after it, or the window's two pages.
func (w window) plan(limit int) []upstreamPage {
	plain := w.pages(limit)
	if w.anchor == "" {
		return plain
	}
	if wide := w.widePages(limit); wide != nil && len(wide) <= len(plain) {
		return wide
	}
	if len(plain) > 1 {
		return plain
	}
	return []upstreamPage{w.roomiestPage(limit, plain[0])}
}

// widePages returns the pages that cover the anchor's item, the window and
// first items more, so that the window is still inside them when up to
// first items were added in front of the anchor. It returns nil when they
// would be larger than limit.
func (w window) widePages(limit int) []upstreamPage {
	wide := window{offset: w.offset - 1, first: 2*w.first + 1}.pages(limit)
	if wide[0].count > limit {
		return nil
	}
	return wide
}

// roomiestPage returns, among the single pages of size up to limit that
// contain the anchor's item and the window, the one with the most items
// after the window, or fallback when there is none. No offset below 3,000
// with first up to 200 and limit 500 needs the fallback.
func (w window) roomiestPage(limit int, fallback upstreamPage) upstreamPage {
	best, bestRoom := fallback, -1
	end := w.offset + w.first + 1 // one past the window and its extra item
	for count := w.first + 2; count <= limit; count++ {
		page := (w.offset - 1) / count
		if (end-1)/count != page {
			continue
		}
		if room := (page+1)*count - end; room > bestRoom {
			best = upstreamPage{page: page, count: count, skip: w.offset - page*count}
			bestRoom = room
		}
	}
	return best
}

// windowPage is the part of a list that a connection page shows.
type windowPage[T any] struct {
	window  window // the requested window, moved to the anchor's current position
	items   []T
	hasNext bool
}

// fetchWindow gets the window's items plus one through fetch, which
// returns one upstream page, and reports whether more items follow.
//
// With an anchor, the page starts right after the item whose id (as idOf
// returns it) is the anchor, wherever that item is now. Items added in
// front of it since the cursor was issued are then neither repeated nor
// skipped. The planned pages contain the anchor after up to first added
// items when limit is at least 2*first+2, except in roomiestPage's
// fallback. When they lack room for the window after the anchor, one or
// two more requests fetch the window at its new offset.
// NOTE: an anchor that moved further, or left the list, is not found, so
// the page starts at the offset the cursor stored.
func fetchWindow[T any](w window, limit int, idOf func(T) string,
	fetch func(p upstreamPage) ([]T, error),
) (windowPage[T], error) {
	plan := w.plan(limit)
	fetched, err := fetchRange(plan, fetch)
	if err != nil {
		return windowPage[T]{}, err
	}
	if w.anchor != "" {
		if offset, found := fetched.offsetAfter(w.anchor, idOf); found {
			w.offset = offset
		}
	}

	if !fetched.covers(w) {
		// The anchor moved further than the planned pages leave room for.
		if fetched, err = fetchRange(w.pages(limit), fetch); err != nil {
			return windowPage[T]{}, err
		}
	}
	return fetched.cut(w), nil
}

// fetchedRange is a run of consecutive items of a list.
type fetchedRange[T any] struct {
	base     int // offset of the first item in the list
	items    []T
	complete bool // the list ends inside the range
}

// fetchRange gets the planned pages, which are consecutive and of one
// size.
func fetchRange[T any](
	plan []upstreamPage, fetch func(p upstreamPage) ([]T, error),
) (fetchedRange[T], error) {
	r := fetchedRange[T]{base: plan[0].page * plan[0].count}
	for _, p := range plan {
		got, err := fetch(p)
		if err != nil {
			return fetchedRange[T]{}, err
		}
		r.items = append(r.items, got...)
		if len(got) < p.count {
			r.complete = true
			break
		}
	}
	return r, nil
}

// offsetAfter returns the offset of the item after the one whose id is id,
// and whether the range contains that item.
func (r fetchedRange[T]) offsetAfter(id string, idOf func(T) string) (int, bool) {
	i := slices.IndexFunc(r.items, func(item T) bool { return idOf(item) == id })
	return r.base + i + 1, i >= 0
}

// covers reports whether the range contains the window and its extra item,
// or every item from the window's offset to the end of the list.
func (r fetchedRange[T]) covers(w window) bool {
	end := r.base + len(r.items)
	return r.base <= w.offset && (r.complete || end > w.offset+w.first)
}

// cut returns the window's items from the range.
func (r fetchedRange[T]) cut(w window) windowPage[T] {
	items := r.items[min(w.offset-r.base, len(r.items)):]
	hasNext := len(items) > w.first
	if hasNext {
		items = items[:w.first]
	}
	return windowPage[T]{window: w, items: items, hasNext: hasNext}
}

// pageInfo describes the page of nodes whose ids are ids.
func (w window) pageInfo(ids []string, hasNext bool) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: w.offset > 0}
	if n := len(ids); n > 0 {
		start, end := encodeCursor(w.offset, ids[0]), encodeCursor(w.offset+n-1, ids[n-1])
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}

func eventConnection(page windowPage[cognism.Event]) *model.EventConnection {
	nodes := convertAll(page.items, EventFromUpstream)
	ids := convertAll(page.items, eventID)
	edges := make([]model.EventEdge, len(nodes))
	for i := range nodes {
		edges[i] = model.EventEdge{Cursor: encodeCursor(page.window.offset+i, ids[i]), Node: &nodes[i]}
	}
	info := page.window.pageInfo(ids, page.hasNext)
	return &model.EventConnection{Edges: edges, Nodes: nodes, PageInfo: info}
}

func documentConnection(page windowPage[cognism.Document]) *model.DocumentConnection {
	nodes := convertAll(page.items, documentFromUpstream)
	ids := convertAll(page.items, documentID)
	edges := make([]model.DocumentEdge, len(nodes))
	for i := range nodes {
		edges[i] = model.DocumentEdge{Cursor: encodeCursor(page.window.offset+i, ids[i]), Node: &nodes[i]}
	}
	info := page.window.pageInfo(ids, page.hasNext)
	return &model.DocumentConnection{Edges: edges, Nodes: nodes, PageInfo: info}
}

// eventID returns the id an event's cursor stores.
func eventID(ev cognism.Event) string { return string(ev.ID) }

// documentID returns the id a document's cursor stores.
func documentID(doc cognism.Document) string { return string(doc.UID) }
