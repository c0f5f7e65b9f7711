package cognism

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceReport is the layout of the document search text report.
const referenceReport = `Cognism Data Report

Query Parameters:
  Keywords = marketing
  Search fields = articleName, subHeadline, abstract
  Exclusions =
  Date From = 20.06.2016
  Date To = 20.08.2016
  Annotation = List()
  Source = Financial Times

[1] Retailer names new chief marketing officer
EID: e-1001 | UID: 7001 | Date: 19.08.2016 | Author: Jo Park | Source: Financial Times
URL: https://news.example.com/a/7001

Annotations:
  genre => News

Named Entities:
  LOCATION=UK (1.0)
  PERSON=Dana Whitcombe (2.0)
    Ref: TITLE=General Manager (1.0)

Quotations:
  Dana Whitcombe (General Manager) @ Northwind Retail => We are growing.
`

func referenceReportValue() *Report {
	return &Report{
		Query: []ReportParam{
			{"Keywords", "marketing"},
			{"Search fields", "articleName, subHeadline, abstract"},
			{"Exclusions", ""},
			{"Date From", "20.06.2016"},
			{"Date To", "20.08.2016"},
			{"Annotation", "List()"},
			{"Source", "Financial Times"},
		},
		Items: []ReportItem{{
			Number: 1,
			Document: Document{
				Headline: "Retailer names new chief marketing officer",
				EID:      "e-1001", UID: "7001", Date: "19.08.2016", Author: "Jo Park",
				Source:      "Financial Times",
				URL:         "https://news.example.com/a/7001",
				Annotations: []Annotation{{Kind: "genre", Label: "News"}},
				Entities: []Entity{
					{Type: "LOCATION", Value: "UK", Relevance: 1},
					{Type: "PERSON", Value: "Dana Whitcombe", Relevance: 2, References: []Entity{
						{Type: "TITLE", Value: "General Manager", Relevance: 1},
					}},
				},
				Quotations: []Quotation{{
					SpeakerName: "Dana Whitcombe", SpeakerTitle: "General Manager",
					SpeakerOrganization: "Northwind Retail", Quotation: "We are growing.",
				}},
			},
		}},
	}
}

func TestParseReportReferenceLayout(t *testing.T) {
	t.Parallel()

	got, err := ParseReport(referenceReport)
	if err != nil {
		t.Fatalf("ParseReport: %v", err)
	}
	if diff := cmp.Diff(referenceReportValue(), got); diff != "" {
		t.Errorf("parsed report mismatch (-want +got):\n%s", diff)
	}
}

func TestReportStringReferenceLayout(t *testing.T) {
	t.Parallel()

	if diff := cmp.Diff(referenceReport, referenceReportValue().String()); diff != "" {
		t.Errorf("rendered report mismatch (-want +got):\n%s", diff)
	}
}

func TestReportRoundTripExtended(t *testing.T) {
	t.Parallel()

	want := &Report{
		Extended: true,
		Query:    []ReportParam{{"Keywords", "ORGANIZATION:AT&T"}, {"Source", "Reuters, FT"}},
		Items: []ReportItem{
			{Number: 1, Document: Document{
				Headline: "AT&T | AC/DC; Société Générale (100%)",
				EID:      "e-1", UID: "1", Date: "01.02.2016", Author: "A | B", Source: "Reuters",
				URL:      "https://news.example.com/?q=a#b",
				Abstract: "<p>Shares rose 5% => a record.</p>",
				Photos:   StringList{"https://img.example.com/1.jpg", "https://img.example.com/2.jpg"},
				Entities: []Entity{{Type: "ORGANIZATION", Value: "AT&T (US)", Relevance: 9.5}},
			}},
			{Number: 2, Document: Document{Headline: "No sections", UID: "2"}},
			{Number: 3, Document: Document{
				Headline: "Quotes of every shape",
				Quotations: []Quotation{
					{Quotation: "Anonymous words."},
					{SpeakerName: "Ana", Quotation: "Only a name."},
					{SpeakerTitle: "CFO", Quotation: "Only a title."},
					{SpeakerOrganization: "Acme", Quotation: "Only an organisation."},
					{SpeakerName: "Bob (Jr)", Quotation: "A name ending in a parenthesis."},
					{SpeakerName: "Cy", SpeakerTitle: "CEO", Quotation: "a => b"},
				},
			}},
		},
	}

	got, err := ParseReport(want.String())
	if err != nil {
		t.Fatalf("ParseReport: %v\n%s", err, want.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s\ntext:\n%s", diff, want.String())
	}
}

func TestParseReportToleratesCRLFAndBlankLines(t *testing.T) {
	t.Parallel()

	text := strings.ReplaceAll(referenceReport, "\n", "\r\n")
	text = strings.ReplaceAll(text, "\r\n\r\n", "\r\n\r\n\r\n  \r\n")
	text = "\ufeff\r\n" + strings.ReplaceAll(text, "Annotations:\r\n\r\n\r\n  \r\n", "Annotations:\r\n")

	got, err := ParseReport(text)
	if err != nil {
		t.Fatalf("ParseReport: %v", err)
	}
	if diff := cmp.Diff(referenceReportValue(), got); diff != "" {
		t.Errorf("parsed report mismatch (-want +got):\n%s", diff)
	}
}

func TestParseReportMissingSections(t *testing.T) {
	t.Parallel()

	text := "Cognism Data Report\n[1] Only a headline\n[2] Second\nURL: https://x.example.com\n"
	got, err := ParseReport(text)
	if err != nil {
		t.Fatalf("ParseReport: %v", err)
	}
	want := &Report{Items: []ReportItem{
		{Number: 1, Document: Document{Headline: "Only a headline"}},
		{Number: 2, Document: Document{Headline: "Second", URL: "https://x.example.com"}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed report mismatch (-want +got):\n%s", diff)
	}
}

func TestParseReportNestedReferences(t *testing.T) {
	t.Parallel()

	text := `Cognism Data Report

[1] Deep
Named Entities:
  PERSON=A (1.0)
    Ref: TITLE=B (2.0)
      Ref: ORGANIZATION=C (3.0)
        Ref: LOCATION=D (4.0)
    Ref: TITLE=E (5.0)
  PERSON=F (6.0)
      Ref: TITLE=G (7.0)
`
	got, err := ParseReport(text)
	if err != nil {
		t.Fatalf("ParseReport: %v", err)
	}
	want := []Entity{
		{Type: "PERSON", Value: "A", Relevance: 1, References: []Entity{
			{Type: "TITLE", Value: "B", Relevance: 2, References: []Entity{
				{Type: "ORGANIZATION", Value: "C", Relevance: 3, References: []Entity{
					{Type: "LOCATION", Value: "D", Relevance: 4},
				}},
			}},
			{Type: "TITLE", Value: "E", Relevance: 5},
		}},
		// A line two levels deeper than its parent attaches one level down.
		{Type: "PERSON", Value: "F", Relevance: 6, References: []Entity{
			{Type: "TITLE", Value: "G", Relevance: 7},
		}},
	}
	if diff := cmp.Diff(want, got.Items[0].Document.Entities); diff != "" {
		t.Errorf("entities mismatch (-want +got):\n%s", diff)
	}

	again, err := ParseReport(got.String())
	if err != nil {
		t.Fatalf("ParseReport of rendered text: %v", err)
	}
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("round trip mismatch (-first +second):\n%s", diff)
	}
}

func TestReportStringReplacesLineBreaks(t *testing.T) {
	t.Parallel()

	r := &Report{Items: []ReportItem{{Document: Document{Headline: "two\r\nlines\nhere"}}}}
	text := r.String()
	if !strings.Contains(text, "[1] two lines here\n") {
		t.Errorf("String() = %q, want the headline on one line numbered [1]", text)
	}
}

func TestParseReportRejectsOtherText(t *testing.T) {
	t.Parallel()

	tests := map[string]string{
		"empty":          "",
		"json":           `{"status": 500, "error": "Internal Server Error"}`,
		"stray line":     "Cognism Data Report\nhello\n",
		"orphan content": "Cognism Data Report\n  LOCATION=UK (1.0)\n",
		"item zero":      "Cognism Data Report\n[0] headline\n",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			_, err := ParseReport(text)
			var reportErr *ReportError
			if !errors.As(err, &reportErr) {
				t.Errorf("ParseReport(%q) error = %v, want a *ReportError", text, err)
			}
		})
	}
}

func FuzzParseReport(f *testing.F) {
	f.Add(referenceReport)
	f.Add(strings.ReplaceAll(referenceReport, "\n", "\r\n"))
	f.Add((&Report{Extended: true, Items: []ReportItem{{Number: 1}}}).String())
	f.Add("Cognism Data Report\n[1] x\nEID: a | b | UID: | Source: s\n  \n")
	f.Add("Cognism Data Report\n[1] x\nQuotations:\n  a (b) () @ c @ d => e => f\n  => g\n  h\n")
	f.Add("Cognism Data Report\n[2] y\nNamed Entities:\n  Ref: Ref: T=v (NaN)\n      X=(1e3)\n")
	f.Add("Cognism Data Report\nQuery Parameters:\n  a = b = c\n  d\n   =\n")

	f.Fuzz(func(t *testing.T, text string) {
		first, err := ParseReport(text)
		if err != nil {
			return
		}
		rendered := first.String()
		second, err := ParseReport(rendered)
		if err != nil {
			t.Fatalf("ParseReport of rendered text: %v\ninput: %q\nrendered: %q", err, text, rendered)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s\ninput: %q\nrendered: %q",
				diff, text, rendered)
		}
		if again := second.String(); again != rendered {
			t.Fatalf("rendering is not stable:\nfirst:  %q\nsecond: %q", rendered, again)
		}
	})
}
