package cognism

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReferenceExamplesDecode(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		body string
		into any
	}{
		"companies":       {referenceCompanies, &[]Company{}},
		"people":          {referencePeople, &struct{ Items []Person }{}},
		"events":          {referenceEvents, &[]Event{}},
		"subscription":    {referenceSubscription, &Subscription{}},
		"subscriptions":   {"[" + referenceSubscription + "]", &[]Subscription{}},
		"document search": {documentSearchJSON, &DocumentSearch{}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := json.Unmarshal([]byte(tt.body), tt.into); err != nil {
				t.Errorf("decoding the %s example: %v", name, err)
			}
		})
	}
}

func TestLenientDecoding(t *testing.T) {
	t.Parallel()

	t.Run("company id as number and street address as string", func(t *testing.T) {
		t.Parallel()

		var c Company
		body := `{"id": 1009, "name": "IBM", "street_address": "New Orchard Road", "employees": 5}`
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatalf("Unmarshal: %v", err)
		}
		want := Company{ID: "1009", Name: "IBM", StreetAddress: StringList{"New Orchard Road"}}
		if diff := cmp.Diff(want, c); diff != "" {
			t.Errorf("company mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("numbers as strings and missing nested objects", func(t *testing.T) {
		t.Parallel()

		var e Event
		body := `{"id": 77, "at": "1471732633672", "type": 310, "employee": {"age": "39"}, "unknown": {"a": [1]}}`
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("Unmarshal: %v", err)
		}
		if e.ID != "77" || e.At != 1471732633672 || e.Type != "310" {
			t.Errorf("event = id %q at %d type %q, want 77, 1471732633672, 310", e.ID, e.At, e.Type)
		}
		if e.Employee == nil || e.Employee.Age == nil || *e.Employee.Age != 39 {
			t.Errorf("employee age = %+v, want 39", e.Employee)
		}
		if e.Loc != nil || e.Meta != nil || e.OrgToInfo != nil {
			t.Errorf("missing nested objects decoded as %+v %+v %+v, want nil", e.Loc, e.Meta, e.OrgToInfo)
		}
	})

	t.Run("person with nulls and numeric free text", func(t *testing.T) {
		t.Parallel()

		var p Person
		body := `{"uid": 42, "vc": "", "ver": null, "skills": null, "groups": "Only group",
			"experience": [{"name": "Analyst", "from": 2013, "to": null}], "topcard": null}`
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("Unmarshal: %v", err)
		}
		zero := FlexInt(0)
		want := Person{
			UID: "42", VC: &zero, Groups: StringList{"Only group"},
			Experience: []Position{{Name: "Analyst", From: "2013"}},
		}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("person mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("subscription ids and times as numbers or strings", func(t *testing.T) {
		t.Parallel()

		var s Subscription
		body := `{"_id": "s1", "idUser": 2280, "idOrg": "2", "createdAt": "1472649167365", "updatedAt": 1.472649167365e12}`
		if err := json.Unmarshal([]byte(body), &s); err != nil {
			t.Fatalf("Unmarshal: %v", err)
		}
		if s.IDUser != "2280" || s.CreatedAt != 1472649167365 || s.UpdatedAt != 1472649167365 {
			t.Errorf("subscription = %+v, want idUser 2280 and both times 1472649167365", s)
		}
	})
}

func TestFlexIntPageAndCount(t *testing.T) {
	t.Parallel()

	var page struct {
		Page  FlexInt `json:"page"`
		Count FlexInt `json:"count"`
	}
	if err := json.Unmarshal([]byte(`{"page": "2", "count": 50}`), &page); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if page.Page != 2 || page.Count != 50 {
		t.Errorf("page, count = %d, %d; want 2, 50", page.Page, page.Count)
	}
	if data, _ := json.Marshal(page); string(data) != `{"page":2,"count":50}` {
		t.Errorf("Marshal = %s, want numbers", data)
	}
}

func TestFlexRejectsWrongShapes(t *testing.T) {
	t.Parallel()

	var s FlexString
	if err := json.Unmarshal([]byte(`{"a": 1}`), &s); err == nil {
		t.Error("FlexString accepted an object")
	}
	var n FlexInt
	if err := json.Unmarshal([]byte(`"two"`), &n); err == nil {
		t.Error("FlexInt accepted a non-numeric string")
	}
	var l StringList
	if err := json.Unmarshal([]byte(`42`), &l); err == nil {
		t.Error("StringList accepted a number")
	}
}
