package graph

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
)

// ExampleOperation is an operation GraphiQL opens in a tab, with its
// variables as JSON text.
type ExampleOperation struct {
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// ExampleOperations are the operations GraphiQL opens with, one tab each.
var ExampleOperations = []ExampleOperation{
	{Query: `# Recent job changes with the companies and people behind them.
query RecentMoves {
  events(first: 10, filter: {types: ["job-join", "job-move"]}) {
    nodes {
      date
      type
      employee { name title }
      company { name industry size }
      previousCompany { name }
      person { fullName headline currentCompany { name city } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`},
	{Query: `# A company with its people, events and news.
query CompanyProfile($name: String!) {
  company(name: $name) {
    name
    industry
    website
    people(first: 5) { fullName headline }
    events(first: 5) { nodes { date type person { fullName } } }
    news(first: 3) { nodes { headline date organizations { name } } }
  }
}
`, Variables: `{"name": "IBM"}`},
	{Query: `# Keyword search of news, with quotes and their speakers.
query MarketingNews {
  documents(search: {keywords: ["marketing"], sources: ["Financial Times", "Reuters"]}) {
    query { keywords sources }
    documents {
      headline
      date
      organizations { name }
      quotations { quotation speakerName speaker { fullName } organization { name } }
    }
  }
}
`},
	{Query: `# Trigger subscriptions of the account.
query Triggers {
  triggerSubscriptions {
    id
    name
    active
    pattern
    callback { method url }
    recentEvents(first: 3) { nodes { date type organization } }
  }
}
`},
	{Query: `# Live events as they happen, with their joins. Run it, then wait:
# the sandbox generates an event every few seconds.
subscription LiveEvents {
  liveEvents {
    date
    type
    organization
    company { name industry }
    person { fullName currentCompany { name } }
  }
}
`},
}

var graphiqlPage = template.Must(template.New("graphiql").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Cognism GraphQL gateway</title>
<style nonce="{{.Nonce}}">body { margin: 0; } #graphiql { height: 100vh; } .note { font: 16px sans-serif; padding: 2em; }</style>
<link rel="stylesheet" href="/graphiql/static/graphiql-4.1.2.min.css">
<script src="/graphiql/static/react-18.3.1.production.min.js"></script>
<script src="/graphiql/static/react-dom-18.3.1.production.min.js"></script>
<script src="/graphiql/static/graphiql-4.1.2.min.js"></script>
</head>
<body>
<div id="graphiql"><p class="note">Loading GraphiQL&hellip; If it does not appear, send
queries to <code>{{.Endpoint}}</code> with any GraphQL client.</p></div>
<script nonce="{{.Nonce}}">
  const endpoint = {{.Endpoint}};
  const url = location.protocol + '//' + location.host + endpoint;
  const subscriptionUrl = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + endpoint;
  const examples = JSON.parse({{.Examples}});
  if (window.GraphiQL) {
    ReactDOM.render(
      React.createElement(GraphiQL, {
        fetcher: GraphiQL.createFetcher({ url, subscriptionUrl }),
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
        defaultHeaders: '{\n  "X-API-AccessToken": "",\n  "X-API-SecretKey": ""\n}',
        defaultTabs: examples,
        defaultEditorToolsVisibility: true,
      }),
      document.getElementById('graphiql'),
    );
  }
</script>
</body>
</html>
`))

// GraphiQLHandler serves GraphiQL for the GraphQL endpoint at endpoint,
// with the header editor on and the example operations in tabs. Empty
// credential headers fall back to the gateway's default credentials. The
// page loads its scripts from graphiql.Handler, mounted at graphiql.Prefix.
func GraphiQLHandler(endpoint string) http.Handler {
	examples, err := json.Marshal(ExampleOperations)
	if err != nil {
		panic(err) // a fixed value that always encodes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		nonce := rand.Text()
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", fmt.Sprintf(graphiqlPolicy, nonce, nonce))
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")

		_ = graphiqlPage.Execute(w, graphiqlData{endpoint, string(examples), nonce})
	})
}

// graphiqlData is the data of graphiqlPage.
type graphiqlData struct {
	Endpoint string
	Examples string
	Nonce    string // allows the page's own inline script and style
}

// graphiqlPolicy is the page's Content-Security-Policy, with the nonce of
// its inline script and style to fill in twice. Everything else loads from
// the gateway itself.
const graphiqlPolicy = "default-src 'self'; script-src 'self' 'nonce-%s'; " +
	"style-src 'self' 'nonce-%s'; img-src 'self' data:; font-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"
