package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/graph/model"
)

// MaxPageSize is the largest first a connection accepts.
const MaxPageSize = 200

// maxCursorOffset bounds the offsets of cursors, far past any result the
// upstream pages through, so that the page computed from one cannot overflow.
const maxCursorOffset = 1 << 30

// cursorPrefix marks the gateway's cursors, so other strings are rejected.
const cursorPrefix = "cursor:v1:"

// encodeCursor returns the opaque cursor of the item at offset.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

// decodeCursor returns the offset of the item after the cursor: zero for
// no cursor.
func decodeCursor(after *string) (int, error) {
	if after == nil {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil || !strings.HasPrefix(string(raw), cursorPrefix) {
		return 0, inputErrorf("after", "%.40q is not a cursor of this API; pass a pageInfo.endCursor", *after)
	}
	offset, err := strconv.Atoi(strings.TrimPrefix(string(raw), cursorPrefix))
	if err != nil || offset < 0 || offset >= maxCursorOffset {
		return 0, inputErrorf("after", "%.40q is not a cursor of this API; pass a pageInfo.endCursor", *after)
	}
	return offset + 1, nil
}

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
}

// newWindow reads first and after into a window.
func newWindow(first *int, def int, after *string) (window, error) {
	n, err := pageSize("first", first, def)
	if err != nil {
		return window{}, err
	}
	offset, err := decodeCursor(after)
	if err != nil {
		return window{}, err
	}
	return window{offset: offset, first: n}, nil
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

// fetchWindow gets the window's items plus one through fetch, which
// returns one upstream page, and reports whether more items follow.
func fetchWindow[T any](w window, limit int, fetch func(p upstreamPage) ([]T, error)) ([]T, bool, error) {
	var items []T
	for i, p := range w.pages(limit) {
		got, err := fetch(p)
		if err != nil {
			return nil, false, err
		}
		if p.skip < len(got) {
			items = append(items, got[p.skip:]...)
		}
		if len(got) < p.count && i == 0 {
			break // the list ends inside the first page
		}
	}
	hasNext := len(items) > w.first
	if hasNext {
		items = items[:w.first]
	}
	return items, hasNext, nil
}

// pageInfo describes the window holding n items.
func (w window) pageInfo(n int, hasNext bool) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: w.offset > 0}
	if n > 0 {
		start, end := encodeCursor(w.offset), encodeCursor(w.offset+n-1)
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}

func eventConnection(w window, events []cognism.Event, hasNext bool) *model.EventConnection {
	nodes := convertAll(events, EventFromUpstream)
	edges := make([]model.EventEdge, len(nodes))
	for i := range nodes {
		edges[i] = model.EventEdge{Cursor: encodeCursor(w.offset + i), Node: &nodes[i]}
	}
	return &model.EventConnection{Edges: edges, Nodes: nodes, PageInfo: w.pageInfo(len(nodes), hasNext)}
}

func documentConnection(w window, docs []cognism.Document, hasNext bool) *model.DocumentConnection {
	nodes := convertAll(docs, documentFromUpstream)
	edges := make([]model.DocumentEdge, len(nodes))
	for i := range nodes {
		edges[i] = model.DocumentEdge{Cursor: encodeCursor(w.offset + i), Node: &nodes[i]}
	}
	return &model.DocumentConnection{Edges: edges, Nodes: nodes, PageInfo: w.pageInfo(len(nodes), hasNext)}
}
