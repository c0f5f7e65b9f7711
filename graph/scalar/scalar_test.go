package scalar_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/graph/scalar"
)

func TestDateRoundTrip(t *testing.T) {
	var d scalar.Date
	if err := d.UnmarshalGQL("2016-04-20"); err != nil {
		t.Fatal(err)
	}
	if got := d.Upstream(); got != "20.04.2016" {
		t.Errorf("Upstream() = %q, want 20.04.2016", got)
	}
	var b bytes.Buffer
	d.MarshalGQL(&b)
	if b.String() != `"2016-04-20"` {
		t.Errorf("MarshalGQL = %s, want \"2016-04-20\"", b.String())
	}
}

func TestDateRejectsOtherForms(t *testing.T) {
	for _, v := range []any{"20.04.2016", "2016-4-20", "2016-02-30", "2016-04-20T00:00:00Z", "", 20160420, nil} {
		var d scalar.Date
		err := d.UnmarshalGQL(v)
		var inputErr *scalar.InputError
		if !errors.As(err, &inputErr) {
			t.Errorf("UnmarshalGQL(%#v) = %v, want an InputError", v, err)
			continue
		}
		if inputErr.Expected == "" {
			t.Errorf("UnmarshalGQL(%#v): error does not give the expected form", v)
		}
	}
}

func TestParseUpstreamDate(t *testing.T) {
	d, err := scalar.ParseUpstreamDate("20.08.2016")
	if err != nil || d == nil || !d.Equal(time.Date(2016, 8, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseUpstreamDate = %v, %v; want 2016-08-20", d, err)
	}
	if d, err := scalar.ParseUpstreamDate(""); d != nil || err != nil {
		t.Errorf("ParseUpstreamDate(\"\") = %v, %v; want nil, nil", d, err)
	}
	if _, err := scalar.ParseUpstreamDate("2016-08-20"); err == nil {
		t.Error("ParseUpstreamDate accepted an ISO date")
	}
}

func TestDateTimeFromUnix(t *testing.T) {
	var b bytes.Buffer
	scalar.FromUnixMilli(1471732633672).MarshalGQL(&b)
	if b.String() != `"2016-08-20T22:37:13.672Z"` {
		t.Errorf("FromUnixMilli = %s, want 2016-08-20T22:37:13.672Z", b.String())
	}
	b.Reset()
	scalar.FromUnixSeconds(1463147456).MarshalGQL(&b)
	if b.String() != `"2016-05-13T13:50:56.000Z"` {
		t.Errorf("FromUnixSeconds = %s, want 2016-05-13T13:50:56.000Z", b.String())
	}
	if scalar.FromUnixMilli(0) != nil || scalar.FromUnixSeconds(0) != nil {
		t.Error("a zero Unix time is not null")
	}
}

func TestDateTimeInputIsUTC(t *testing.T) {
	var dt scalar.DateTime
	if err := dt.UnmarshalGQL("2016-08-21T00:37:13.672+02:00"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	dt.MarshalGQL(&b)
	if b.String() != `"2016-08-20T22:37:13.672Z"` {
		t.Errorf("MarshalGQL = %s, want the instant in UTC", b.String())
	}
	if err := dt.UnmarshalGQL("yesterday"); err == nil {
		t.Error("UnmarshalGQL accepted \"yesterday\"")
	}
}

func TestDateTimeOutOfRangeYears(t *testing.T) {
	for _, ms := range []int64{99999999999999999, 253402300800000, -62167219200001} {
		dt := scalar.FromUnixMilli(ms)
		var b bytes.Buffer
		err := dt.MarshalGQLContext(context.Background(), &b)

		var rangeErr *scalar.RangeError
		if !errors.As(err, &rangeErr) {
			t.Errorf("MarshalGQLContext(%d) error = %v, want a RangeError", ms, err)
		}
		if b.Len() != 0 {
			t.Errorf("MarshalGQLContext(%d) wrote %s, want nothing", ms, b.String())
		}
		b.Reset()
		dt.MarshalGQL(&b)
		if b.String() != "null" {
			t.Errorf("MarshalGQL(%d) = %s, want null", ms, b.String())
		}
	}
}

func TestDateTimeRangeEdges(t *testing.T) {
	cases := map[int64]string{
		253402300799999: `"9999-12-31T23:59:59.999Z"`,
		-62167219200000: `"0000-01-01T00:00:00.000Z"`,
	}
	for ms, want := range cases {
		var b bytes.Buffer
		if err := scalar.FromUnixMilli(ms).MarshalGQLContext(context.Background(), &b); err != nil {
			t.Errorf("MarshalGQLContext(%d): %v", ms, err)
		}
		if b.String() != want {
			t.Errorf("MarshalGQLContext(%d) = %s, want %s", ms, b.String(), want)
		}
	}
}

func TestDateTimeInputOutOfRangeInUTC(t *testing.T) {
	for _, v := range []string{"9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00+01:00"} {
		var dt scalar.DateTime
		var inputErr *scalar.InputError
		if err := dt.UnmarshalGQL(v); !errors.As(err, &inputErr) {
			t.Errorf("UnmarshalGQL(%q) = %v, want an InputError", v, err)
		}
	}
}

func TestJSONValues(t *testing.T) {
	var j scalar.JSON
	if err := j.UnmarshalGQL(map[string]any{"type": "310", "n": 1}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	j.MarshalGQL(&b)
	if b.String() != `{"n":1,"type":"310"}` {
		t.Errorf("MarshalGQL = %s", b.String())
	}

	b.Reset()
	scalar.JSON(`{not json`).MarshalGQL(&b)
	if b.String() != "null" {
		t.Errorf("invalid JSON marshals as %s, want null", b.String())
	}
}
