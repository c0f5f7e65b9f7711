package cognism

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const csvHeader = "Event ID;Date;Event Type;Employee Name;Employee Job Title;" +
	"Employee Estimated Age;Employee URL;Organization Name;Organization ID;" +
	"Client Organization ID;Organization Industry;Organization Website;" +
	"Organization Founded;Organization Type;Organization Size;Region;Country;State;City"

func sampleEventsCSV() *EventsCSV {
	return &EventsCSV{
		Rule: `type=job-join|job-leave;org=AT\;T`,
		Rows: []EventsCSVRow{
			{
				EventID: "9c9567cf-10a1-4b4d-b553-77b83f5de16a", Date: "20.08.2016",
				EventType: "job-join", EmployeeName: "Tomas Reyner",
				EmployeeJobTitle: "Sourcing Recruiter", EmployeeEstimatedAge: "39",
				EmployeeURL:      "https://profiles.example.com/tomasreyner",
				OrganizationName: "IBM (Contract)", OrganizationID: "1009",
				Region: "AMERICAS", Country: "United States", State: "Colorado",
				City: "Colorado Springs",
			},
			{
				EventID: "e2", OrganizationName: "AT&T; \"Mobility\"",
				EmployeeJobTitle: "Head of\nSales", City: " Leading space",
			},
		},
	}
}

func TestEventsCSVStringLayout(t *testing.T) {
	t.Parallel()

	want := "Data returned with rule type=job-join|job-leave;org=AT\\;T\n" +
		csvHeader + "\n" +
		"9c9567cf-10a1-4b4d-b553-77b83f5de16a;20.08.2016;job-join;Tomas Reyner;" +
		"Sourcing Recruiter;39;https://profiles.example.com/tomasreyner;IBM (Contract);" +
		"1009;;;;;;;AMERICAS;United States;Colorado;Colorado Springs\n" +
		"e2;;;;\"Head of\nSales\";;;\"AT&T; \"\"Mobility\"\"\";;;;;;;;;;;\" Leading space\"\n"
	if diff := cmp.Diff(want, sampleEventsCSV().String()); diff != "" {
		t.Errorf("rendered CSV mismatch (-want +got):\n%s", diff)
	}
}

func TestEventsCSVRoundTrip(t *testing.T) {
	t.Parallel()

	tests := map[string]*EventsCSV{
		"rows":                sampleEventsCSV(),
		"empty":               {},
		"rule only":           {Rule: "org=IBM"},
		"rule with newline":   {Rule: "org=a\nb", Rows: []EventsCSVRow{{EventID: "1"}}},
		"rule with quote":     {Rule: `"quoted" rule`},
		"rule with spaces":    {Rule: " org=IBM "},
		"all empty row":       {Rows: []EventsCSVRow{{}}},
		"non-ASCII and emoji": {Rows: []EventsCSVRow{{OrganizationName: "Société Générale 🚀"}}},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, err := ParseEventsCSV(want.String())
			if err != nil {
				t.Fatalf("ParseEventsCSV: %v\ntext: %q", err, want.String())
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s\ntext: %q", diff, want.String())
			}
		})
	}
}

func TestParseEventsCSVTolerance(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		text string
		want *EventsCSV
	}{
		"CRLF and blank lines": {
			text: "\ufeff\r\nData returned with rule org=IBM\r\n\r\n" + csvHeader + "\r\n\r\ne1;01.01.2016\r\n",
			want: &EventsCSV{Rule: "org=IBM", Rows: []EventsCSVRow{{EventID: "e1", Date: "01.01.2016"}}},
		},
		"no rule line": {
			text: csvHeader + "\ne1\n",
			want: &EventsCSV{Rows: []EventsCSVRow{{EventID: "e1"}}},
		},
		"no header": {
			text: "Data returned with rule\ne1;01.01.2016;job-join\n",
			want: &EventsCSV{Rows: []EventsCSVRow{{EventID: "e1", Date: "01.01.2016", EventType: "job-join"}}},
		},
		"reordered and unknown columns": {
			text: "Data returned with rule \ncity; Event ID ;Extra;Date\nParis;e1;x;02.01.2016\n",
			want: &EventsCSV{Rows: []EventsCSVRow{{EventID: "e1", Date: "02.01.2016", City: "Paris"}}},
		},
		"quoted CRLF inside a field": {
			text: "Data returned with rule r\r\nEvent ID;Employee Job Title\r\ne1;\"a\r\nb\"\r\n",
			want: &EventsCSV{Rule: "r", Rows: []EventsCSVRow{{EventID: "e1", EmployeeJobTitle: "a\nb"}}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, err := ParseEventsCSV(tt.text)
			if err != nil {
				t.Fatalf("ParseEventsCSV: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parsed CSV mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseEventsCSVRejectsOtherText(t *testing.T) {
	t.Parallel()

	tests := map[string]string{
		"empty":           "",
		"json":            `[{"id": "e1"}]`,
		"unclosed rule":   "Data returned with rule \"org=a\n",
		"text after rule": "Data returned with rule \"org\" x\n",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			_, err := ParseEventsCSV(text)
			var csvErr *CSVError
			if !errors.As(err, &csvErr) {
				t.Errorf("ParseEventsCSV(%q) error = %v, want a *CSVError", text, err)
			}
		})
	}
}

func TestNewEventsCSVRow(t *testing.T) {
	t.Parallel()

	age := FlexInt(39)
	e := Event{
		ID: "e1", Date: "20.08.2016", Type: "job-join", Org: "IBM",
		OrgInfo: json.RawMessage(`{"id": 1009, "industry": "IT", "website": "http://www.ibm.com",
			"founded": "1911", "type": "Public Company", "size": "10,001+", "client_id": "c-7",
			"nested": {"x": 1}}`),
		Loc:      &Location{Country: "United States", State: "New York", City: "Armonk", Region: "AMERICAS"},
		Employee: &Employee{FirstName: "Ada", LastName: "Stone", Title: "CTO", URL: "https://p.example.com/a", Age: &age},
	}
	want := EventsCSVRow{
		EventID: "e1", Date: "20.08.2016", EventType: "job-join", EmployeeName: "Ada Stone",
		EmployeeJobTitle: "CTO", EmployeeEstimatedAge: "39", EmployeeURL: "https://p.example.com/a",
		OrganizationName: "IBM", OrganizationID: "1009", ClientOrganizationID: "c-7",
		OrganizationIndustry: "IT", OrganizationWebsite: "http://www.ibm.com",
		OrganizationFounded: "1911", OrganizationType: "Public Company", OrganizationSize: "10,001+",
		Region: "AMERICAS", Country: "United States", State: "New York", City: "Armonk",
	}
	if diff := cmp.Diff(want, NewEventsCSVRow(e)); diff != "" {
		t.Errorf("row mismatch (-want +got):\n%s", diff)
	}
	if got := NewEventsCSVRow(Event{ID: "e2", OrgInfo: json.RawMessage(`[]`)}); got.OrganizationID != "" {
		t.Errorf("row of an event with a non-object orgInfo has Organization ID %q, want empty", got.OrganizationID)
	}
}

func FuzzParseEventsCSV(f *testing.F) {
	f.Add(sampleEventsCSV().String())
	f.Add(strings.ReplaceAll(sampleEventsCSV().String(), "\n", "\r\n"))
	f.Add("Data returned with rule \"a\"\"\nb\"\r\n" + csvHeader + "\n\"x\ry\";\"\"\"\"\n")
	f.Add("Event ID;City;City\n a;b\"c;d\n\n;;;;\n")
	f.Add("Data returned with rule\n\"unterminated")

	f.Fuzz(func(t *testing.T, text string) {
		first, err := ParseEventsCSV(text)
		if err != nil {
			return
		}
		rendered := first.String()
		second, err := ParseEventsCSV(rendered)
		if err != nil {
			t.Fatalf("ParseEventsCSV of rendered text: %v\ninput: %q\nrendered: %q", err, text, rendered)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s\ninput: %q\nrendered: %q",
				diff, text, rendered)
		}
	})
}
