package scalar

import (
	"io"
	"strconv"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// isoDate is the ISO 8601 calendar date layout.
const isoDate = "2006-01-02"

// dateExpected describes the accepted Date form in error messages.
const dateExpected = "an ISO 8601 date such as 2016-04-20"

// Date is a calendar date without a time or zone, held as midnight UTC.
type Date struct {
	time.Time
}

// NewDate returns the date of t in UTC.
func NewDate(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseUpstreamDate reads an upstream dd.MM.yyyy date; an empty string is
// no date (nil).
func ParseUpstreamDate(s string) (*Date, error) {
	if s == "" {
		return nil, nil
	}
	t, err := cognism.ParseDate(s)
	if err != nil {
		return nil, err
	}
	return &Date{t}, nil
}

// Upstream renders the date in the upstream dd.MM.yyyy form.
func (d Date) Upstream() string {
	return cognism.FormatDate(d.Time)
}

// MarshalGQL writes the date as an ISO 8601 string.
func (d Date) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(d.Format(isoDate)))
}

// UnmarshalGQL reads an ISO 8601 calendar date such as 2016-04-20.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &InputError{Scalar: "Date", Value: v, Expected: dateExpected}
	}
	t, err := time.ParseInLocation(isoDate, s, time.UTC)
	if err != nil {
		return &InputError{Scalar: "Date", Value: v, Expected: dateExpected}
	}
	d.Time = t
	return nil
}

// TimeOf returns the date's time, or the zero time for nil.
func TimeOf(d *Date) time.Time {
	if d == nil {
		return time.Time{}
	}
	return d.Time
}
