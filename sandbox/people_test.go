package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cognism/graphql-gateway/cognism"
)

func TestSearchPeopleByCompany(t *testing.T) {
	ts := newTestSandbox(t)
	people, err := ts.client.SearchPeople(ctx, cognism.PersonSearch{Company: "ibm"})
	if err != nil {
		t.Fatal(err)
	}
	if len(people) < 5 {
		t.Fatalf("IBM has %d people, want at least 5", len(people))
	}
	for _, p := range people {
		if p.Current != "IBM" {
			t.Errorf("%s works at %q, want IBM", p.UID, p.Current)
		}
		if p.Topcard == nil || len(p.Experience) == 0 || len(p.Education) == 0 || p.BirthDate == nil {
			t.Errorf("%s lacks topcard, experience, education or birth_date: %+v", p.UID, p)
		}
		if p.Experience[0].To != "" || p.Experience[0].Company != "IBM" {
			t.Errorf("%s current role = %+v, want an open IBM role", p.UID, p.Experience[0])
		}
		if p.FullNameNormalized != strings.ToLower(p.FullName) {
			t.Errorf("%s full_name_normalized = %q", p.UID, p.FullNameNormalized)
		}
	}
}

func TestSearchPeopleByNameIsCaseInsensitive(t *testing.T) {
	ts := newTestSandbox(t)
	all, err := ts.client.SearchPeople(ctx, cognism.PersonSearch{Company: "IBM"})
	if err != nil || len(all) == 0 {
		t.Fatalf("no IBM people: %v", err)
	}
	want := all[0]
	first, last, _ := strings.Cut(want.FullName, " ")

	got, err := ts.client.SearchPeople(ctx, cognism.PersonSearch{FirstName: strings.ToUpper(first), LastName: strings.ToLower(last)})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range got {
		found = found || p.UID == want.UID
		if !strings.EqualFold(p.FullName, want.FullName) {
			t.Errorf("search for %q returned %q", want.FullName, p.FullName)
		}
	}
	if !found {
		t.Errorf("search for %q did not return %s", want.FullName, want.UID)
	}
}

func TestSearchPeopleWithoutParametersIsBadRequest(t *testing.T) {
	ts := newTestSandbox(t)
	resp, body := ts.do(t, "GET", "/api/v1/person", "", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	for _, name := range []string{"firstName", "lastName", "company"} {
		if !strings.Contains(body, name) {
			t.Errorf("error %s does not name %s", body, name)
		}
	}
}

func TestEnrichPersonBestMatchFirst(t *testing.T) {
	ts := newTestSandbox(t)
	all, err := ts.client.SearchPeople(ctx, cognism.PersonSearch{Company: "IBM"})
	if err != nil || len(all) == 0 {
		t.Fatalf("no IBM people: %v", err)
	}
	want := all[len(all)-1]
	first, last, _ := strings.Cut(want.FullName, " ")

	got, err := ts.client.EnrichPerson(ctx, cognism.PersonEnrichment{
		FirstName: first, LastName: last, Company: "IBM", City: want.City, PartialDetails: "works at ibm",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].UID != want.UID {
		t.Fatalf("enrichment returned %d people, first %+v; want %s first", len(got), got, want.UID)
	}
}

func TestEnrichPersonNoMatchIsEmpty(t *testing.T) {
	ts := newTestSandbox(t)
	got, err := ts.client.EnrichPerson(ctx, cognism.PersonEnrichment{FirstName: "Nobody", LastName: "Anywhere", Company: "IBM"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("got %d people, want none", len(got))
	}
}

func TestEnrichPersonMissingCompanyIsBadRequest(t *testing.T) {
	ts := newTestSandbox(t)
	resp, body := ts.do(t, "GET", "/api/v1/person/enrich?firstName=Ada&lastName=Byron", "", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil || !strings.Contains(e.Message, "company") {
		t.Errorf("error body %s does not name company", body)
	}
}

func TestPersonSearchPlansNeedNoSort(t *testing.T) {
	ts := newTestSandbox(t)
	for _, where := range []string{
		"first_fold = ? AND last_fold = ? AND current_fold = ?",
		"first_fold = ? AND last_fold = ?",
		"last_fold = ?",
	} {
		query := "EXPLAIN QUERY PLAN SELECT data FROM people WHERE " + where + " ORDER BY uid LIMIT 500"
		args := []any{"ann", "lee", "ibm"}[:strings.Count(where, "?")]
		rows, err := ts.srv.db.QueryContext(context.Background(), query, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()

		text := strings.Join(plan, "; ")
		if !strings.Contains(text, "people_name_company") {
			t.Errorf("WHERE %s: plan %q does not use people_name_company", where, text)
		}
		if strings.Contains(where, "current_fold") && strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("WHERE %s: plan %q sorts, want the matches read in uid order", where, text)
		}
	}
}
