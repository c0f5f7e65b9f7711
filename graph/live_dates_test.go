package graph

import (
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/graph/model"
	"github.com/cognism/graphql-gateway/graph/scalar"
)

func TestLiveDatesOf(t *testing.T) {
	now := time.Date(2026, time.December, 4, 16, 0, 0, 0, time.UTC)
	day := func(s string) *scalar.Date {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return &scalar.Date{Time: d}
	}
	cases := []struct {
		name    string
		filter  *model.EventFilter
		wantErr bool
		wantEnd time.Time
	}{
		{"no filter", nil, false, time.Time{}},
		{"dateFrom only", &model.EventFilter{DateFrom: day("2020-01-01")}, false, time.Time{}},
		{"dateTo today", &model.EventFilter{DateTo: day("2026-12-04")}, false, day("2026-12-05").Time},
		{"dateTo yesterday", &model.EventFilter{DateTo: day("2026-12-03")}, true, time.Time{}},
		{"dateTo before dateFrom", &model.EventFilter{DateFrom: day("2027-02-01"), DateTo: day("2027-01-01")}, true, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dates, err := liveDatesOf(tc.filter, now)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			if got := dates.end(); !got.Equal(tc.wantEnd) {
				t.Errorf("end = %v, want %v", got, tc.wantEnd)
			}
		})
	}
}

func TestLiveDatesContains(t *testing.T) {
	dates := liveDates{
		from: time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC),
		to:   time.Date(2030, time.December, 31, 0, 0, 0, 0, time.UTC),
	}
	at := func(y int, m time.Month, d int) scalar.DateTime {
		return scalar.DateTime{Time: time.Date(y, m, d, 12, 0, 0, 0, time.UTC)}
	}
	cases := []struct {
		name  string
		event model.Event
		want  bool
	}{
		{"date on dateFrom", model.Event{Date: &scalar.Date{Time: dates.from}}, true},
		{"date on dateTo", model.Event{Date: &scalar.Date{Time: dates.to}}, true},
		{"date before dateFrom", model.Event{Date: &scalar.Date{Time: dates.from.AddDate(0, 0, -1)}}, false},
		{"date after dateTo", model.Event{Date: &scalar.Date{Time: dates.to.AddDate(0, 0, 1)}}, false},
		{"no date, recorded within", model.Event{At: at(2030, time.June, 1)}, true},
		{"no date, recorded after", model.Event{At: at(2031, time.January, 1)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := dates.contains(&tc.event); got != tc.want {
				t.Errorf("contains = %v, want %v", got, tc.want)
			}
		})
	}
}
