package sandbox

import (
	"errors"
	"net/http"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
)

func TestCompanyByNameMatchesNameAndPath(t *testing.T) {
	ts := newTestSandbox(t)
	for _, name := range []string{"IBM", "ibm", "Ibm"} {
		got, err := ts.client.CompanyByName(ctx, name)
		if err != nil {
			t.Fatalf("CompanyByName(%q): %v", name, err)
		}
		if len(got) != 1 {
			t.Fatalf("CompanyByName(%q) returned %d companies, want 1", name, len(got))
		}
		ibm := got[0]
		if ibm.ID != "1009" || ibm.Path != "ibm" || ibm.City != "Armonk, New York" || ibm.Size != "10,001+" {
			t.Errorf("IBM = %+v", ibm)
		}
		if len(ibm.StreetAddress) != 1 || ibm.StreetAddress[0] != "New Orchard Road" {
			t.Errorf("IBM street_address = %q", ibm.StreetAddress)
		}
	}

	got, err := ts.client.CompanyByName(ctx, "hewlett-packard-enterprise")
	if err != nil || len(got) != 1 || got[0].Name != "Hewlett Packard Enterprise" {
		t.Errorf("lookup by path = %+v, %v", got, err)
	}
}

func TestCompanyByNameEscapedCharacters(t *testing.T) {
	ts := newTestSandbox(t)
	for _, name := range []string{"AT&T", "Novo Nordisk A/S", "Société Générale", "SOCIÉTÉ GÉNÉRALE", "H&M", "L'Oréal"} {
		got, err := ts.client.CompanyByName(ctx, name)
		if err != nil {
			t.Fatalf("CompanyByName(%q): %v", name, err)
		}
		if len(got) != 1 {
			t.Errorf("CompanyByName(%q) returned %d companies, want 1", name, len(got))
		}
	}
}

func TestCompanyByNameOfSlashesIsEmpty(t *testing.T) {
	ts := newTestSandbox(t)
	// The OpenAPI validator of the test client cannot route a name of
	// escaped slashes, so this client sends without it.
	client, err := cognism.NewClient(ts.http.URL,
		cognism.WithDefaultCredentials(cognism.Credentials{AccessToken: DefaultAccessToken, SecretKey: DefaultSecretKey}))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"/", "//"} {
		got, err := client.CompanyByName(ctx, name)
		if err != nil {
			t.Errorf("CompanyByName(%q): %v, want an empty result", name, err)
			continue
		}
		if len(got) != 0 {
			t.Errorf("CompanyByName(%q) returned %d companies, want none", name, len(got))
		}
	}
}

func TestCompanyByNameNoMatchIsEmpty(t *testing.T) {
	ts := newTestSandbox(t)
	got, err := ts.client.CompanyByName(ctx, "No Such Company Anywhere")
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || len(got) != 0 {
		t.Errorf("got %#v, want an empty slice", got)
	}
	resp, body := ts.do(t, "GET", "/api/v1/company/nothing-here", "", nil)
	if resp.StatusCode != 200 || body != "[]\n" {
		t.Errorf("status %d body %q, want 200 []", resp.StatusCode, body)
	}
}

func TestCompanyWithoutTokenIsUnauthorized(t *testing.T) {
	ts := newTestSandbox(t)
	c := newTestClient(t, ts.http.URL, "", "")
	_, err := c.CompanyByName(ctx, "IBM")
	var apiErr *cognism.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if apiErr.Title != "Unauthorized" || apiErr.Message == "" {
		t.Errorf("error body = %q / %q", apiErr.Title, apiErr.Message)
	}
}

func TestCompanyByNamePathMatchComesFirst(t *testing.T) {
	ts := newTestSandbox(t)
	for _, query := range []string{"acme", "ACME", "Acme"} {
		got, err := ts.client.CompanyByName(ctx, query)
		if err != nil {
			t.Fatalf("CompanyByName(%q): %v", query, err)
		}
		if len(got) != 2 {
			t.Fatalf("CompanyByName(%q) returned %d companies, want 2", query, len(got))
		}
		if got[0].Name != "Acme Holdings" || got[0].Path != "acme" {
			t.Errorf("CompanyByName(%q)[0] = %q (path %q), want Acme Holdings (path acme)", query, got[0].Name, got[0].Path)
		}
		if got[1].Name != "Acme" {
			t.Errorf("CompanyByName(%q)[1] = %q, want Acme", query, got[1].Name)
		}
	}
}
