package cognism

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceCompanies is the company example of the API reference.
const referenceCompanies = `[{"id": "1009", "name": "IBM", "path": "ibm", "type": "Public Company",
  "industry": "Information Technology and Services", "size": "10,001+",
  "site": "http://www.ibm.com", "street_address": ["New Orchard Road"],
  "city": "Armonk, New York", "region": "NY", "zip": "10504",
  "country": "United States"}]`

func TestCompanyByNameEscapesName(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		escapedPath string
	}{
		{"AT&T", "AT&T"},
		{"AC/DC", "AC%2FDC"},
		{"Société Générale", "Soci%C3%A9t%C3%A9%20G%C3%A9n%C3%A9rale"},
		{"100% Pure", "100%25%20Pure"},
		{"C# Labs", "C%23%20Labs"},
		{"Who? Inc", "Who%3F%20Inc"},
		{"  spaced  ", "%20%20spaced%20%20"},
		{"Rocket 🚀", "Rocket%20%F0%9F%9A%80"},
		{"a;b,c", "a%3Bb%2Cc"},
		{"..", "%2E%2E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, "GET")
				testPath(t, r, "/prefix/api/v1/company/"+tt.escapedPath)
				segment := strings.TrimPrefix(r.URL.EscapedPath(), "/prefix/api/v1/company/")
				if got, err := url.PathUnescape(segment); err != nil || got != tt.name {
					t.Errorf("server decoded the name as %q (%v), want %q", got, err, tt.name)
				}
				if r.URL.RawQuery != "" {
					t.Errorf("query = %q, want none", r.URL.RawQuery)
				}
				_, _ = io.WriteString(w, "[]")
			})

			companies, err := c.CompanyByName(context.Background(), tt.name)
			if err != nil {
				t.Fatalf("CompanyByName: %v", err)
			}
			if companies == nil || len(companies) != 0 {
				t.Errorf("CompanyByName = %#v, want an empty slice", companies)
			}
		})
	}
}

func TestCompanyByNameDecodesReferenceExample(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, referenceCompanies)
	})
	got, err := c.CompanyByName(context.Background(), "IBM")
	if err != nil {
		t.Fatalf("CompanyByName: %v", err)
	}
	want := []Company{{
		ID: "1009", Name: "IBM", Path: "ibm", Type: "Public Company",
		Industry: "Information Technology and Services", Size: "10,001+",
		Site: "http://www.ibm.com", StreetAddress: StringList{"New Orchard Road"},
		City: "Armonk, New York", Region: "NY", Zip: "10504", Country: "United States",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("companies mismatch (-want +got):\n%s", diff)
	}
}
