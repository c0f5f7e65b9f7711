package scalar

import (
	"io"
	"strconv"
	"time"
)

// dateTimeLayout is RFC 3339 in UTC with milliseconds.
const dateTimeLayout = "2006-01-02T15:04:05.000Z"

// dateTimeExpected describes the accepted DateTime form in error messages.
const dateTimeExpected = "an RFC 3339 instant such as 2016-08-20T22:37:13.672Z"

// DateTime is an instant, written in UTC.
type DateTime struct {
	time.Time
}

// FromUnixMilli returns the instant of a Unix time in milliseconds, or nil
// for zero, which upstream sends for an unknown time.
func FromUnixMilli(ms int64) *DateTime {
	if ms == 0 {
		return nil
	}
	return &DateTime{time.UnixMilli(ms).UTC()}
}

// FromUnixSeconds returns the instant of a Unix time in seconds, or nil for
// zero.
func FromUnixSeconds(s int64) *DateTime {
	if s == 0 {
		return nil
	}
	return &DateTime{time.Unix(s, 0).UTC()}
}

// MarshalGQL writes the instant as an RFC 3339 string in UTC.
func (t DateTime) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(dateTimeLayout)))
}

// UnmarshalGQL reads an RFC 3339 instant with a zone or offset.
func (t *DateTime) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &InputError{Scalar: "DateTime", Value: v, Expected: dateTimeExpected}
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return &InputError{Scalar: "DateTime", Value: v, Expected: dateTimeExpected}
	}
	t.Time = parsed.UTC()
	return nil
}
