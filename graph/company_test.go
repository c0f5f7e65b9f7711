package graph_test

import (
	"testing"
)

func TestCompanyExactMatch(t *testing.T) {
	g := newGateway(t)
	var data struct {
		Company *struct {
			ID, Name, Website string
			StreetAddress     []string
		}
	}
	g.query(`{ company(name: "ibm") { id name website streetAddress } }`, nil, &data)

	if data.Company == nil {
		t.Fatal("company(ibm) is null")
	}
	if data.Company.Name != "IBM" {
		t.Errorf("name = %q, want IBM", data.Company.Name)
	}
	if data.Company.Website != "http://www.ibm.com" {
		t.Errorf("website = %q, want http://www.ibm.com", data.Company.Website)
	}
}
