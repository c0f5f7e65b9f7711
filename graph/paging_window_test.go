package graph

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// upstreamList is a list served in pages as the upstream serves it, newest
// first, which counts the page requests it receives.
type upstreamList struct {
	ids   []string
	calls int
}

// newUpstreamList returns a list of n items named item-0 to item-(n-1).
func newUpstreamList(n int) *upstreamList {
	l := &upstreamList{}
	for i := range n {
		l.ids = append(l.ids, "item-"+strconv.Itoa(i))
	}
	return l
}

// prepend adds n new items in front of the list.
func (l *upstreamList) prepend(n int) {
	added := make([]string, n)
	for i := range added {
		added[i] = fmt.Sprintf("new-%d-%d", len(l.ids), i)
	}
	l.ids = append(added, l.ids...)
}

func (l *upstreamList) fetch(p upstreamPage) ([]string, error) {
	l.calls++
	from := min(p.page*p.count, len(l.ids))
	to := min(from+p.count, len(l.ids))
	return l.ids[from:to], nil
}

// after returns the n ids that follow id in the list.
func (l *upstreamList) after(id string, n int) []string {
	i := slices.Index(l.ids, id)
	rest := l.ids[i+1:]
	return rest[:min(n, len(rest))]
}

func identity(id string) string { return id }

// anchoredWindow returns the window that the cursor of the item at offset
// in l opens, with page size first.
func anchoredWindow(l *upstreamList, offset, first int) window {
	return window{offset: offset + 1, first: first, anchor: l.ids[offset]}
}

func TestFetchWindowFindsAnchorAfterPrepend(t *testing.T) {
	const limit = 500
	for _, first := range []int{1, 5, 50, 199, 200} {
		for _, offset := range []int{0, 3, first - 1, first, 2*first + 1, 397, 498, 1000} {
			for _, shift := range []int{0, 1, first / 2, first} {
				name := fmt.Sprintf("first %d after item %d with %d new", first, offset, shift)
				t.Run(name, func(t *testing.T) {
					l := newUpstreamList(2000)
					w := anchoredWindow(l, offset, first)
					anchor := w.anchor
					l.prepend(shift)

					page, err := fetchWindow(w, limit, identity, l.fetch)
					if err != nil {
						t.Fatal(err)
					}
					if want := l.after(anchor, first); !slices.Equal(page.items, want) {
						t.Errorf("items = %v, want %v", page.items, want)
					}
					if want := offset + shift + 1; page.window.offset != want {
						t.Errorf("window offset = %d, want %d", page.window.offset, want)
					}
					if !page.hasNext {
						t.Error("hasNext = false with more items")
					}
					plain := window{offset: w.offset, first: first}.pages(limit)
					if shift == 0 && l.calls > len(plain) {
						t.Errorf("made %d page requests, more than the %d without an anchor", l.calls, len(plain))
					}
				})
			}
		}
	}
}

func TestPlanNoMorePagesThanWindow(t *testing.T) {
	for _, limit := range []int{500, 250} {
		for first := 1; first <= MaxPageSize; first += 7 {
			for offset := 1; offset < 1200; offset += 13 {
				w := window{offset: offset, first: first, anchor: "x"}
				plain := window{offset: offset, first: first}.pages(limit)
				plan := w.plan(limit)
				if len(plan) > len(plain) {
					t.Errorf("limit %d, first %d, offset %d: %d pages, want at most %d",
						limit, first, offset, len(plan), len(plain))
				}
				if plan[0].count > max(limit, plain[0].count) {
					t.Errorf("limit %d, first %d, offset %d: pages of %d items, more than the limit",
						limit, first, offset, plan[0].count)
				}
			}
		}
	}
}

func TestFetchWindowShiftBeyondRoom(t *testing.T) {
	// The first request is items 0 to 21, which contain the anchor and the
	// window after up to 5 new items. After 8, they contain only the anchor.
	l := newUpstreamList(300)
	w := anchoredWindow(l, 10, 5)
	anchor := w.anchor
	l.prepend(8)

	page, err := fetchWindow(w, 500, identity, l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	if want := l.after(anchor, 5); !slices.Equal(page.items, want) {
		t.Errorf("items = %v, want %v", page.items, want)
	}
	if page.window.offset != 19 {
		t.Errorf("window offset = %d, want 19", page.window.offset)
	}
	if l.calls != 2 {
		t.Errorf("made %d page requests, want 2", l.calls)
	}
}

func TestFetchWindowShiftBeyondBound(t *testing.T) {
	l := newUpstreamList(300)
	w := anchoredWindow(l, 10, 5)
	l.prepend(40)

	page, err := fetchWindow(w, 500, identity, l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	if want := l.ids[11:16]; !slices.Equal(page.items, want) {
		t.Errorf("items = %v, want the items at the stored offsets 11 to 15: %v", page.items, want)
	}
}

func TestFetchWindowItemsRemovedBeforeAnchor(t *testing.T) {
	l := newUpstreamList(100)
	w := anchoredWindow(l, 20, 5)
	anchor := w.anchor
	l.ids = slices.Delete(l.ids, 2, 5)

	page, err := fetchWindow(w, 500, identity, l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	if want := l.after(anchor, 5); !slices.Equal(page.items, want) {
		t.Errorf("items = %v, want %v", page.items, want)
	}
	if page.window.offset != 18 {
		t.Errorf("window offset = %d, want 18", page.window.offset)
	}
}

func TestFetchWindowAnchorGoneUsesOffset(t *testing.T) {
	l := newUpstreamList(100)
	w := anchoredWindow(l, 20, 5)
	l.ids = slices.Delete(l.ids, 20, 21)

	page, err := fetchWindow(w, 500, identity, l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	if want := l.ids[21:26]; !slices.Equal(page.items, want) {
		t.Errorf("items = %v, want the items at offsets 21 to 25: %v", page.items, want)
	}
}

func TestFetchWindowAnchorNearEnd(t *testing.T) {
	l := newUpstreamList(30)
	w := anchoredWindow(l, 26, 5)
	anchor := w.anchor
	l.prepend(2)

	page, err := fetchWindow(w, 500, identity, l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	if want := l.after(anchor, 5); !slices.Equal(page.items, want) {
		t.Errorf("items = %v, want the last three %v", page.items, want)
	}
	if page.hasNext {
		t.Error("hasNext = true at the end of the list")
	}
	if l.calls != 1 {
		t.Errorf("made %d page requests, want 1", l.calls)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		offset int
		id     string
	}{{0, "e1"}, {41, "9e855255-20b6-4a6b-a146-c918e224d154"}, {7, "id:with:colons"}, {3, ""}} {
		cursor := encodeCursor(tc.offset, tc.id)
		next, id, err := decodeCursor(&cursor)
		if err != nil {
			t.Fatalf("cursor of item %d, id %q: %v", tc.offset, tc.id, err)
		}
		if next != tc.offset+1 || id != tc.id {
			t.Errorf("cursor of item %d, id %q decodes to next %d, id %q", tc.offset, tc.id, next, id)
		}
	}
}

func TestCursorOfLongIDStoresOffset(t *testing.T) {
	long := strings.Repeat("x", maxCursorID+1)
	cursor := encodeCursor(9, long)
	next, id, err := decodeCursor(&cursor)
	if err != nil {
		t.Fatalf("cursor of an id of %d bytes: %v", len(long), err)
	}
	if next != 10 {
		t.Errorf("next offset = %d, want 10", next)
	}
	if id != "" {
		t.Errorf("id = %q, want none", id)
	}
}

func TestFetchWindowToleratesFirstNewItems(t *testing.T) {
	for _, first := range []int{20, 150, 199, 200} {
		for offset := 0; offset < 1100; offset++ {
			l := newUpstreamList(1500)
			w := anchoredWindow(l, offset, first)
			anchor := w.anchor
			l.prepend(first)

			page, err := fetchWindow(w, 500, identity, l.fetch)
			if err != nil {
				t.Fatal(err)
			}
			if want := l.after(anchor, first); !slices.Equal(page.items, want) {
				t.Fatalf("first %d after item %d with %d new: items from %v, want from %v",
					first, offset, first, page.items[:1], want[:1])
			}
		}
	}
}

func TestPlanContainsAnchor(t *testing.T) {
	for first := 1; first <= MaxPageSize; first++ {
		for offset := 1; offset < 3000; offset++ {
			w := window{offset: offset, first: first, anchor: "x"}
			if p := w.plan(500)[0]; p.page*p.count > offset-1 {
				t.Fatalf("first %d, offset %d: planned page %+v starts after the anchor", first, offset, p)
			}
		}
	}
}
