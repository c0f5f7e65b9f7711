package sandbox

import "github.com/cognism/graphql-gateway/cognism"

// seedCompany is a company of the dataset with the founding year that the
// CSV export shows but the company JSON does not.
type seedCompany struct {
	cognism.Company
	Founded string
}

func knownCompany(id, name, path, typ, industry, size, site string, street []string,
	city, region, zip, country, founded string,
) seedCompany {
	return seedCompany{
		Company: cognism.Company{
			ID: cognism.FlexString(id), Name: name, Path: path, Type: typ, Industry: industry,
			Size: size, Site: site, StreetAddress: street, City: city, Region: region, Zip: zip,
			Country: country,
		},
		Founded: founded,
	}
}

const (
	public  = "Public Company"
	private = "Privately Held"
	big     = "10,001+"
)

// realCompanies are public companies with their public head office
// attributes, so that examples and joins name organisations people know.
// Names with "&", "/" and accents exercise path escaping.
var realCompanies = []seedCompany{
	knownCompany("1009", "IBM", "ibm", public, "Information Technology and Services", big, "http://www.ibm.com",
		[]string{"New Orchard Road"}, "Armonk, New York", "NY", "10504", "United States", "1911"),
	knownCompany("1001", "Microsoft", "microsoft", public, "Computer Software", big, "https://www.microsoft.com",
		[]string{"One Microsoft Way"}, "Redmond, Washington", "WA", "98052", "United States", "1975"),
	knownCompany("1002", "Apple", "apple", public, "Consumer Electronics", big, "https://www.apple.com",
		[]string{"One Apple Park Way"}, "Cupertino, California", "CA", "95014", "United States", "1976"),
	knownCompany("1003", "Google", "google", public, "Internet", big, "https://www.google.com",
		[]string{"1600 Amphitheatre Parkway"}, "Mountain View, California", "CA", "94043", "United States", "1998"),
	knownCompany("1004", "Amazon", "amazon", public, "Internet", big, "https://www.amazon.com",
		[]string{"410 Terry Avenue North"}, "Seattle, Washington", "WA", "98109", "United States", "1994"),
	knownCompany("1005", "AT&T", "att", public, "Telecommunications", big, "https://www.att.com",
		[]string{"208 South Akard Street"}, "Dallas, Texas", "TX", "75202", "United States", "1983"),
	knownCompany("1006", "Hewlett Packard Enterprise", "hewlett-packard-enterprise", public,
		"Information Technology and Services", big, "https://www.hpe.com",
		[]string{"1701 East Mossy Oaks Road"}, "Spring, Texas", "TX", "77389", "United States", "2015"),
	knownCompany("1007", "Société Générale", "societe-generale", public, "Banking", big,
		"https://www.societegenerale.com", []string{"29 Boulevard Haussmann"}, "Paris", "Île-de-France",
		"75009", "France", "1864"),
	knownCompany("1008", "Oracle", "oracle", public, "Computer Software", big, "https://www.oracle.com",
		[]string{"2300 Oracle Way"}, "Austin, Texas", "TX", "78741", "United States", "1977"),
	knownCompany("1010", "SAP", "sap", public, "Computer Software", big, "https://www.sap.com",
		[]string{"Dietmar-Hopp-Allee 16"}, "Walldorf", "Baden-Württemberg", "69190", "Germany", "1972"),
	knownCompany("1011", "Siemens", "siemens", public, "Electrical/Electronic Manufacturing", big,
		"https://www.siemens.com", []string{"Werner-von-Siemens-Straße 1"}, "Munich", "Bavaria", "80333",
		"Germany", "1847"),
	knownCompany("1012", "BNP Paribas", "bnp-paribas", public, "Banking", big, "https://group.bnpparibas",
		[]string{"16 Boulevard des Italiens"}, "Paris", "Île-de-France", "75009", "France", "2000"),
	knownCompany("1013", "L'Oréal", "loreal", public, "Cosmetics", big, "https://www.loreal.com",
		[]string{"41 Rue Martre"}, "Clichy", "Île-de-France", "92110", "France", "1909"),
	knownCompany("1014", "Nestlé", "nestle", public, "Food & Beverages", big, "https://www.nestle.com",
		[]string{"Avenue Nestlé 55"}, "Vevey", "Vaud", "1800", "Switzerland", "1866"),
	knownCompany("1015", "Volkswagen", "volkswagen", public, "Automotive", big, "https://www.volkswagen-group.com",
		[]string{"Berliner Ring 2"}, "Wolfsburg", "Lower Saxony", "38440", "Germany", "1937"),
	knownCompany("1016", "BMW Group", "bmw-group", public, "Automotive", big, "https://www.bmwgroup.com",
		[]string{"Petuelring 130"}, "Munich", "Bavaria", "80809", "Germany", "1916"),
	knownCompany("1017", "Toyota Motor Corporation", "toyota", public, "Automotive", big,
		"https://global.toyota", []string{"1 Toyota-cho"}, "Toyota City", "Aichi", "471-8571", "Japan", "1937"),
	knownCompany("1018", "Samsung Electronics", "samsung-electronics", public, "Consumer Electronics", big,
		"https://www.samsung.com", []string{"129 Samsung-ro", "Yeongtong-gu"}, "Suwon", "Gyeonggi-do",
		"16677", "South Korea", "1969"),
	knownCompany("1019", "Intel", "intel", public, "Semiconductors", big, "https://www.intel.com",
		[]string{"2200 Mission College Boulevard"}, "Santa Clara, California", "CA", "95054",
		"United States", "1968"),
	knownCompany("1020", "Cisco", "cisco", public, "Computer Networking", big, "https://www.cisco.com",
		[]string{"170 West Tasman Drive"}, "San Jose, California", "CA", "95134", "United States", "1984"),
	knownCompany("1021", "Salesforce", "salesforce", public, "Computer Software", big, "https://www.salesforce.com",
		[]string{"415 Mission Street"}, "San Francisco, California", "CA", "94105", "United States", "1999"),
	knownCompany("1022", "Adobe", "adobe", public, "Computer Software", big, "https://www.adobe.com",
		[]string{"345 Park Avenue"}, "San Jose, California", "CA", "95110", "United States", "1982"),
	knownCompany("1023", "Accenture", "accenture", public, "Information Technology and Services", big,
		"https://www.accenture.com", []string{"1 Grand Canal Square", "Grand Canal Harbour"}, "Dublin",
		"Leinster", "D02 P820", "Ireland", "1989"),
	knownCompany("1024", "Johnson & Johnson", "johnson-johnson", public, "Pharmaceuticals", big,
		"https://www.jnj.com", []string{"One Johnson & Johnson Plaza"}, "New Brunswick, New Jersey", "NJ",
		"08933", "United States", "1886"),
	knownCompany("1025", "Procter & Gamble", "procter-gamble", public, "Consumer Goods", big, "https://us.pg.com",
		[]string{"1 Procter & Gamble Plaza"}, "Cincinnati, Ohio", "OH", "45202", "United States", "1837"),
	knownCompany("1026", "Marks & Spencer", "marks-and-spencer", public, "Retail", big,
		"https://www.marksandspencer.com", []string{"Waterside House", "35 North Wharf Road"}, "London",
		"England", "W2 1NW", "United Kingdom", "1884"),
	knownCompany("1027", "Barclays", "barclays", public, "Banking", big, "https://home.barclays",
		[]string{"1 Churchill Place"}, "London", "England", "E14 5HP", "United Kingdom", "1690"),
	knownCompany("1028", "HSBC", "hsbc", public, "Banking", big, "https://www.hsbc.com",
		[]string{"8 Canada Square"}, "London", "England", "E14 5HQ", "United Kingdom", "1865"),
	knownCompany("1029", "Unilever", "unilever", public, "Consumer Goods", big, "https://www.unilever.com",
		[]string{"100 Victoria Embankment"}, "London", "England", "EC4Y 0DY", "United Kingdom", "1929"),
	knownCompany("1030", "BP", "bp", public, "Oil & Energy", big, "https://www.bp.com",
		[]string{"1 St James's Square"}, "London", "England", "SW1Y 4PD", "United Kingdom", "1909"),
	knownCompany("1031", "Vodafone", "vodafone", public, "Telecommunications", big, "https://www.vodafone.com",
		[]string{"Vodafone House", "The Connection"}, "Newbury", "Berkshire", "RG14 2FN", "United Kingdom",
		"1991"),
	knownCompany("1032", "Danone", "danone", public, "Food Production", big, "https://www.danone.com",
		[]string{"17 Boulevard Haussmann"}, "Paris", "Île-de-France", "75009", "France", "1919"),
	knownCompany("1033", "Crédit Agricole", "credit-agricole", public, "Banking", big,
		"https://www.credit-agricole.com", []string{"12 Place des États-Unis"}, "Montrouge",
		"Île-de-France", "92120", "France", "1894"),
	knownCompany("1034", "Nokia", "nokia", public, "Telecommunications", big, "https://www.nokia.com",
		[]string{"Karakaari 7"}, "Espoo", "Uusimaa", "02610", "Finland", "1865"),
	knownCompany("1035", "Ericsson", "ericsson", public, "Telecommunications", big, "https://www.ericsson.com",
		[]string{"Torshamnsgatan 21"}, "Stockholm", "Stockholm County", "164 83", "Sweden", "1876"),
	knownCompany("1036", "Spotify", "spotify", public, "Internet", "5,001-10,000", "https://www.spotify.com",
		[]string{"Regeringsgatan 19"}, "Stockholm", "Stockholm County", "111 53", "Sweden", "2006"),
	knownCompany("1037", "Novo Nordisk A/S", "novo-nordisk", public, "Pharmaceuticals", big,
		"https://www.novonordisk.com", []string{"Novo Allé 1"}, "Bagsværd", "Capital Region", "2880",
		"Denmark", "1923"),
	knownCompany("1038", "Ørsted A/S", "orsted", public, "Renewables & Environment", "5,001-10,000",
		"https://orsted.com", []string{"Kraftværksvej 53"}, "Fredericia", "Southern Denmark", "7000",
		"Denmark", "1972"),
	knownCompany("1039", "Netflix", "netflix", public, "Entertainment", big, "https://www.netflix.com",
		[]string{"121 Albright Way"}, "Los Gatos, California", "CA", "95032", "United States", "1997"),
	knownCompany("1040", "Tesla", "tesla", public, "Automotive", big, "https://www.tesla.com",
		[]string{"1 Tesla Road"}, "Austin, Texas", "TX", "78725", "United States", "2003"),
	knownCompany("1041", "Dell Technologies", "dell-technologies", public, "Information Technology and Services",
		big, "https://www.dell.com", []string{"One Dell Way"}, "Round Rock, Texas", "TX", "78682",
		"United States", "1984"),
	knownCompany("1042", "Infosys", "infosys", public, "Information Technology and Services", big,
		"https://www.infosys.com", []string{"Electronics City", "Hosur Road"}, "Bengaluru", "Karnataka",
		"560100", "India", "1981"),
	knownCompany("1043", "Tata Consultancy Services", "tata-consultancy-services", public,
		"Information Technology and Services", big, "https://www.tcs.com",
		[]string{"TCS House", "Raveline Street", "Fort"}, "Mumbai", "Maharashtra", "400001", "India", "1968"),
	knownCompany("1044", "Zurich Insurance Group", "zurich-insurance-group", public, "Insurance", big,
		"https://www.zurich.com", []string{"Mythenquai 2"}, "Zürich", "Zürich", "8002", "Switzerland", "1872"),
	knownCompany("1045", "Ernst & Young", "ernst-young", private, "Accounting", big, "https://www.ey.com",
		[]string{"6 More London Place"}, "London", "England", "SE1 2DA", "United Kingdom", "1989"),
	knownCompany("1046", "H&M", "h-m", public, "Apparel & Fashion", big, "https://www.hm.com",
		[]string{"Mäster Samuelsgatan 46A"}, "Stockholm", "Stockholm County", "106 38", "Sweden", "1947"),
	knownCompany("1047", "Financial Times", "financial-times", private, "Newspapers", "1,001-5,000",
		"https://www.ft.com", []string{"Bracken House", "1 Friday Street"}, "London", "England", "EC4M 9BT",
		"United Kingdom", "1888"),
	knownCompany("1048", "Thomson Reuters", "thomson-reuters", public, "Information Services", big,
		"https://www.thomsonreuters.com", []string{"19 Duncan Street"}, "Toronto", "Ontario", "M5H 3H1",
		"Canada", "2008"),
	knownCompany("1049", "Bloomberg L.P.", "bloomberg-lp", private, "Financial Services", big,
		"https://www.bloomberg.com", []string{"731 Lexington Avenue"}, "New York, New York", "NY", "10022",
		"United States", "1981"),
	knownCompany("1050", "Deutsche Bank", "deutsche-bank", public, "Banking", big, "https://www.db.com",
		[]string{"Taunusanlage 12"}, "Frankfurt am Main", "Hesse", "60325", "Germany", "1870"),
	knownCompany("1051", "Airbus", "airbus", public, "Aviation & Aerospace", big, "https://www.airbus.com",
		[]string{"2 Rond-point Émile Dewoitine"}, "Blagnac", "Occitanie", "31700", "France", "1970"),
	knownCompany("1052", "Nintendo", "nintendo", public, "Computer Games", "5,001-10,000",
		"https://www.nintendo.com", []string{"11-1 Hokotate-cho", "Kamitoba, Minami-ku"}, "Kyoto", "Kyoto",
		"601-8501", "Japan", "1889"),
	knownCompany("1053", "Meta Platforms", "meta", public, "Internet", big, "https://about.meta.com",
		[]string{"1 Hacker Way"}, "Menlo Park, California", "CA", "94025", "United States", "2004"),
	knownCompany("1054", "NVIDIA", "nvidia", public, "Semiconductors", big, "https://www.nvidia.com",
		[]string{"2788 San Tomas Expressway"}, "Santa Clara, California", "CA", "95051", "United States",
		"1993"),
	knownCompany("1055", "Rolls-Royce Holdings", "rolls-royce", public, "Aviation & Aerospace", big,
		"https://www.rolls-royce.com", []string{"Kings Place", "90 York Way"}, "London", "England", "N1 9FX",
		"United Kingdom", "1906"),
	knownCompany("1056", "HP Inc.", "hp", public, "Computer Hardware", big, "https://www.hp.com",
		[]string{"1501 Page Mill Road"}, "Palo Alto, California", "CA", "94304", "United States", "1939"),
}

// nameClashCompanies are two fictional companies that one query matches:
// "acme" is the path of Acme Holdings and, case-insensitively, the whole
// name of Acme. Acme Holdings has the lower id, so the company lookup
// returns it first and a client that prefers an exact name match must
// skip it.
var nameClashCompanies = []seedCompany{
	knownCompany("1901", "Acme Holdings", "acme", private, "Management Consulting", "201-500",
		"https://www.acme-holdings.example", []string{"12 Harbour Street"}, "Leeds", "England", "LS1 4AB",
		"United Kingdom", "1987"),
	knownCompany("1902", "Acme", "acme-inc", private, "Computer Software", "51-200",
		"https://www.acme.example", []string{"400 Market Street"}, "Portland, Oregon", "OR", "97201",
		"United States", "2009"),
}
