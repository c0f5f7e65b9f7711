package scalar

import (
	"context"
	"fmt"
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

// RangeError is an instant outside the years 0000 to 9999, which RFC 3339
// cannot write.
type RangeError struct {
	Time time.Time
}

// Error names the year and the range RFC 3339 allows.
func (e *RangeError) Error() string {
	return fmt.Sprintf("DateTime in year %d cannot be written as RFC 3339, which allows years 0000 to 9999",
		e.Time.UTC().Year())
}

// check returns a RangeError when RFC 3339 cannot write the instant.
func (t DateTime) check() error {
	if year := t.UTC().Year(); year < 0 || year > 9999 {
		return &RangeError{Time: t.Time}
	}
	return nil
}

// MarshalGQLContext writes the instant as an RFC 3339 string in UTC, or
// returns a RangeError and writes nothing.
// NOTE: gqlgen then writes null, even for a non-null field, with an error at
// the field name alone.
func (t DateTime) MarshalGQLContext(_ context.Context, w io.Writer) error {
	if err := t.check(); err != nil {
		return err
	}
	t.MarshalGQL(w)
	return nil
}

// MarshalGQL writes the instant as an RFC 3339 string in UTC, or null when
// it is outside the years 0000 to 9999.
func (t DateTime) MarshalGQL(w io.Writer) {
	if t.check() != nil {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(dateTimeLayout)))
}

// UnmarshalGQLContext reads an RFC 3339 instant like UnmarshalGQL.
func (t *DateTime) UnmarshalGQLContext(_ context.Context, v any) error {
	return t.UnmarshalGQL(v)
}

// UnmarshalGQL reads an RFC 3339 instant with a zone or offset whose UTC
// year is within 0000 to 9999.
func (t *DateTime) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &InputError{Scalar: "DateTime", Value: v, Expected: dateTimeExpected}
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || (DateTime{parsed}).check() != nil {
		return &InputError{Scalar: "DateTime", Value: v, Expected: dateTimeExpected}
	}
	t.Time = parsed.UTC()
	return nil
}
