package sandbox

// place is a city the generator puts people, offices and events in.
type place struct {
	City, State, Country, CC, Region string
}

var places = []place{
	{"London", "England", "United Kingdom", "uk", "EMEA"},
	{"Manchester", "England", "United Kingdom", "uk", "EMEA"},
	{"Hursley", "Hampshire", "United Kingdom", "uk", "EMEA"},
	{"Edinburgh", "Scotland", "United Kingdom", "uk", "EMEA"},
	{"Dublin", "Leinster", "Ireland", "ie", "EMEA"},
	{"Paris", "Île-de-France", "France", "fr", "EMEA"},
	{"Lyon", "Auvergne-Rhône-Alpes", "France", "fr", "EMEA"},
	{"Munich", "Bavaria", "Germany", "de", "EMEA"},
	{"Berlin", "Berlin", "Germany", "de", "EMEA"},
	{"Zürich", "Zürich", "Switzerland", "ch", "EMEA"},
	{"Vienna", "Vienna", "Austria", "at", "EMEA"},
	{"Amsterdam", "North Holland", "Netherlands", "nl", "EMEA"},
	{"Stockholm", "Stockholm County", "Sweden", "se", "EMEA"},
	{"Copenhagen", "Capital Region", "Denmark", "dk", "EMEA"},
	{"Madrid", "Community of Madrid", "Spain", "es", "EMEA"},
	{"Milan", "Lombardy", "Italy", "it", "EMEA"},
	{"New York", "New York", "United States", "us", "AMERICAS"},
	{"San Francisco", "California", "United States", "us", "AMERICAS"},
	{"Austin", "Texas", "United States", "us", "AMERICAS"},
	{"Colorado Springs", "Colorado", "United States", "us", "AMERICAS"},
	{"Chicago", "Illinois", "United States", "us", "AMERICAS"},
	{"Seattle", "Washington", "United States", "us", "AMERICAS"},
	{"Boston", "Massachusetts", "United States", "us", "AMERICAS"},
	{"Toronto", "Ontario", "Canada", "ca", "AMERICAS"},
	{"São Paulo", "São Paulo", "Brazil", "br", "AMERICAS"},
	{"Mexico City", "Mexico City", "Mexico", "mx", "AMERICAS"},
	{"Singapore", "Singapore", "Singapore", "sg", "APAC"},
	{"Sydney", "New South Wales", "Australia", "au", "APAC"},
	{"Tokyo", "Tokyo", "Japan", "jp", "APAC"},
	{"Bengaluru", "Karnataka", "India", "in", "APAC"},
}

var industries = []string{
	"Information Technology and Services", "Computer Software", "Internet", "Banking",
	"Financial Services", "Insurance", "Telecommunications", "Marketing and Advertising",
	"Management Consulting", "Retail", "Automotive", "Pharmaceuticals", "Hospital & Health Care",
	"Oil & Energy", "Renewables & Environment", "Food & Beverages", "Logistics and Supply Chain",
	"Real Estate", "Staffing and Recruiting", "Higher Education", "Media Production", "Construction",
}

var sizeBands = []string{
	"1-10", "11-50", "51-200", "201-500", "501-1,000", "1,001-5,000", "5,001-10,000", "10,001+",
}

var companyTypes = []string{public, private, private, private, "Partnership", "Self-Owned", "Nonprofit"}

var skillNames = []string{
	"Data Management", "Big Data", "Cloud Computing", "Project Management", "Sales", "Negotiation",
	"Marketing Strategy", "Digital Marketing", "SEO", "Java", "Go", "Python", "SQL", "Leadership",
	"Recruiting", "Financial Analysis", "Business Development", "Customer Success", "Agile",
	"Product Management", "Machine Learning", "Security", "Supply Chain", "Public Speaking",
}

var groupNames = []string{
	"IBM Ecosystem ISV and MSP", "Data Science Network", "Cloud Professionals", "Women in Tech",
	"B2B Marketing Leaders", "Recruitment Professionals", "Fintech Forum", "Product Management Hub",
	"Sales Leadership Circle", "Open Source Developers",
}

var universities = []string{
	"University of Newcastle", "University of Manchester", "University College London",
	"University of Edinburgh", "Sorbonne University", "Technical University of Munich",
	"ETH Zürich", "KTH Royal Institute of Technology", "University of Toronto",
	"University of Texas at Austin", "Boston University", "National University of Singapore",
	"University of Sydney", "Indian Institute of Science",
}

var programmes = []string{
	"BSc Natural Sciences", "BSc Computer Science", "BA Economics", "MBA", "MSc Data Science",
	"BA Marketing", "BEng Electrical Engineering", "LLB Law", "MSc Finance", "BA History",
}

var certificationNames = []string{
	"PureData System for Analytics V1", "Certified Scrum Master", "PMP", "AWS Solutions Architect",
	"Google Analytics Individual Qualification", "CISSP", "Salesforce Administrator",
	"ITIL Foundation", "Chartered Financial Analyst", "Certified Data Professional",
}

// cxoTitles is the cxo-titles value list and the pool of executive titles.
var cxoTitles = []string{
	"Chief Executive Officer", "CEO", "Chief Technology Officer", "CTO", "Chief Financial Officer",
	"CFO", "Chief Marketing Officer", "CMO", "Chief Operating Officer", "COO",
	"Chief Information Officer", "CIO", "Chief Revenue Officer", "CRO", "Chief Data Officer",
	"CDO", "Chief People Officer", "Chief Product Officer",
}

var (
	seniorities  = []string{"", "", "Senior ", "Lead ", "Principal ", "Junior ", "Associate ", "Regional "}
	jobFunctions = []string{
		"Sales", "Marketing", "Data", "Software", "Product", "Finance", "HR", "Operations",
		"Customer Success", "Business Development", "Security", "Cloud", "Recruitment", "Legal",
		"Procurement", "Brand", "Big Data",
	}
	jobRoles = []string{
		"Manager", "Director", "Engineer", "Analyst", "Consultant", "Specialist", "Architect",
		"Executive", "Coordinator", "Partner", "Technical Specialist",
	}
)

var months = []string{
	"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December",
}

var documentSources = []string{
	"Financial Times", "Reuters", "Bloomberg", "The Guardian", "BBC News", "TechCrunch",
}

var eventSources = []string{"social", "social", "news", "blog", "press-release"}

// eventTypes are the eight event types with their labels.
var eventTypes = []struct{ Type, Name string }{
	{"job-join", "External Movement"},
	{"job-leave", "Departure"},
	{"job-move", "Internal Movement"},
	{"location-move", "Location Change"},
	{"person-mention", "Person Mention"},
	{"quote", "Quote"},
	{"310", "Article Mention"},
	{"330", "Brand Mention"},
}

// industryCodes maps industries to the industry annotation labels of
// documents.
var industryCodes = map[string]string{
	"Information Technology and Services": "TEC", "Computer Software": "TEC", "Internet": "TEC",
	"Semiconductors": "TEC", "Computer Networking": "TEC", "Computer Hardware": "TEC",
	"Consumer Electronics": "TEC", "Computer Games": "TEC", "Banking": "FIN",
	"Financial Services": "FIN", "Insurance": "FIN", "Accounting": "FIN", "Automotive": "AUT",
	"Telecommunications": "TEL", "Pharmaceuticals": "HEA", "Hospital & Health Care": "HEA",
	"Oil & Energy": "ENE", "Renewables & Environment": "ENE", "Retail": "RET",
	"Apparel & Fashion": "RET", "Consumer Goods": "RET", "Cosmetics": "RET",
	"Food & Beverages": "FOO", "Food Production": "FOO",
}

// industryCode returns the annotation label of an industry, "OTH" for the
// rest.
func industryCode(industry string) string {
	if code, ok := industryCodes[industry]; ok {
		return code
	}
	return "OTH"
}
