package live

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// ErrGapTooLarge ends the subscriptions of a socket that was down while
// more events arrived than a backfill fetches (Config.MaxBackfill), because
// their subscribers could no longer receive every event.
var ErrGapTooLarge = errors.New("live: too many events were missed while the upstream socket was down; subscribe again")

// backfillPageSize is the page size of backfill requests, the largest the
// event stream accepts.
const backfillPageSize = cognism.MaxEventCount

// backfill delivers, oldest first, the events the feed has not delivered
// since the newest one it has, or since the first socket opened. It reads
// the event stream newest first and stops at the first older event.
func (f *feed[T]) backfill(ctx context.Context) (int, error) {
	from := f.lastAt
	if from == 0 {
		from = f.since
	}
	missed, err := f.fetchSince(ctx, from)
	if err != nil {
		return 0, err
	}

	slices.Reverse(missed)
	slices.SortStableFunc(missed, func(a, b cognism.Event) int {
		return compareInt64(int64(a.At), int64(b.At))
	})
	for i := range missed {
		// A gap can hold more events than a subscriber's buffer, so each
		// waits until the subscribers have read enough to take it.
		f.waitForRoom(ctx, backfillRoomWait)
		f.deliver(&missed[i])
	}
	return len(missed), nil
}

// fetchSince returns the undelivered events at or after from (Unix ms),
// newest first, without duplicates.
func (f *feed[T]) fetchSince(ctx context.Context, from int64) ([]cognism.Event, error) {
	opts := cognism.EventStreamOptions{
		Rule:     f.rule,
		DateFrom: time.UnixMilli(from).UTC(),
		Count:    backfillPageSize,
	}
	maxPages := (f.hub.cfg.MaxBackfill + backfillPageSize - 1) / backfillPageSize

	var missed []cognism.Event
	picked := make(map[string]struct{})
	for opts.Page = 0; opts.Page < maxPages; opts.Page++ {
		page, err := f.hub.cfg.Upstream.EventStream(ctx, opts)
		if err != nil {
			return nil, err
		}
		reachedOlder := false
		for _, ev := range page {
			if int64(ev.At) < from {
				reachedOlder = true
				continue
			}
			if id := string(ev.ID); id != "" {
				if _, dup := picked[id]; dup || f.seen.has(id) {
					continue
				}
				picked[id] = struct{}{}
			}
			missed = append(missed, ev)
		}
		if reachedOlder || len(page) < backfillPageSize {
			return missed, nil
		}
	}
	return nil, ErrGapTooLarge
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
