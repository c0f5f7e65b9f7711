package sandbox

import (
	"net/http"
	"slices"
)

// ValueList is a named list of values that a rule alternative
// valuelist(NAME) matches.
type ValueList struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Values      []string `json:"values"`
}

// valueLists are the sandbox's named value lists, in the order
// GET /api/v1/valuelists returns them.
var valueLists = []ValueList{
	{"cxo-titles", "Executive job titles, full and abbreviated", cxoTitles},
	{"movement-types", "Event types of people joining, leaving or moving", []string{"job-join", "job-leave", "job-move"}},
	{"mention-types", "Event types of mentions and quotes", []string{"person-mention", "quote", "310", "330"}},
	{"tech-companies", "Seeded public technology companies", []string{
		"IBM", "Microsoft", "Apple", "Google", "Amazon", "Oracle", "SAP", "Intel", "Cisco", "Salesforce",
		"Adobe", "Dell Technologies", "Hewlett Packard Enterprise", "HP Inc.", "NVIDIA", "Meta Platforms",
	}},
	{"banks", "Seeded public banks", []string{
		"Société Générale", "BNP Paribas", "Barclays", "HSBC", "Crédit Agricole", "Deutsche Bank",
	}},
	{"uk-cities", "Cities in the United Kingdom", []string{"London", "Manchester", "Hursley", "Edinburgh"}},
	{"dach-countries", "Germany, Austria and Switzerland", []string{"Germany", "Austria", "Switzerland"}},
	{"nordic-countries", "The Nordic countries", []string{"Sweden", "Denmark", "Norway", "Finland", "Iceland"}},
	{"regions", "Event location regions", []string{"AMERICAS", "EMEA", "APAC"}},
}

// lookupValueList returns the values of the named list.
func lookupValueList(name string) ([]string, bool) {
	i := slices.IndexFunc(valueLists, func(l ValueList) bool { return l.Name == name })
	if i < 0 {
		return nil, false
	}
	return valueLists[i].Values, true
}

func valueListNames() []string {
	names := make([]string, len(valueLists))
	for i, l := range valueLists {
		names[i] = l.Name
	}
	return names
}

// handleValueLists serves GET /api/v1/valuelists.
func (s *Server) handleValueLists(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, valueLists)
}
