package graph

import "testing"

func TestPickByNameSkipsNamelessItems(t *testing.T) {
	name := func(s string) string { return s }
	cases := []struct {
		items  []string
		name   string
		want   string
		wantOK bool
	}{
		{[]string{"", "Acme Holdings", "Acme"}, "acme", "Acme", true},
		{[]string{"", " ", "Acme Holdings"}, "Globex", "Acme Holdings", true},
		{[]string{"", " "}, "", "", false},
		{nil, "Acme", "", false},
	}
	for _, tc := range cases {
		got, ok := pickByName(tc.items, tc.name, name)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("pickByName(%q, %q) = %q, %v; want %q, %v", tc.items, tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
}
