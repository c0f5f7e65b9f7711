package graph

import (
	"time"

	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

// liveDates are the date bounds of a liveEvents filter, both inclusive and
// zero when absent.
type liveDates struct {
	from time.Time
	to   time.Time
}

// liveDatesOf checks the date bounds of filter against today's date. A
// dateTo before today is rejected, because no live event can match it, and
// so is a dateFrom after dateTo.
func liveDatesOf(filter *model.EventFilter, now time.Time) (liveDates, error) {
	if filter == nil {
		return liveDates{}, nil
	}
	d := liveDates{from: scalar.TimeOf(filter.DateFrom), to: scalar.TimeOf(filter.DateTo)}
	today := scalar.NewDate(now).Time
	if !d.to.IsZero() && d.to.Before(today) {
		return liveDates{}, inputErrorf("filter.dateTo",
			"%s is in the past, so no live event can match; omit dateTo, or query past events with events",
			d.to.Format(time.DateOnly))
	}
	if !d.from.IsZero() && !d.to.IsZero() && d.to.Before(d.from) {
		return liveDates{}, inputErrorf("filter.dateTo", "%s is before dateFrom %s",
			d.to.Format(time.DateOnly), d.from.Format(time.DateOnly))
	}
	return d, nil
}

// contains reports whether the day of ev, or of its recording time when it
// has none, is within the bounds.
func (d liveDates) contains(ev *model.Event) bool {
	if d.from.IsZero() && d.to.IsZero() {
		return true
	}
	day := scalar.NewDate(ev.At.Time).Time
	if ev.Date != nil {
		day = ev.Date.Time
	}
	return !day.Before(d.from) && (d.to.IsZero() || !day.After(d.to))
}

// end returns when the bounds stop admitting new events, midnight UTC
// after dateTo, or the zero time without dateTo.
func (d liveDates) end() time.Time {
	if d.to.IsZero() {
		return time.Time{}
	}
	return d.to.AddDate(0, 0, 1)
}
