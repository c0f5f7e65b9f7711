package sandbox

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// tableDigest hashes every row of a table in primary key order.
func tableDigest(t *testing.T, db *sql.DB, query string) string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(data))
	}
	return hex.EncodeToString(h.Sum(nil))
}

var digestQueries = map[string]string{
	"companies": "SELECT data FROM companies ORDER BY id",
	"people":    "SELECT data FROM people ORDER BY uid",
	"events":    "SELECT data FROM events ORDER BY seq",
	"documents": "SELECT data FROM documents ORDER BY uid",
}

func digests(t *testing.T, seed int64) map[string]string {
	srv, err := New(ctx, Config{DBPath: ":memory:", Seed: seed, Scale: testScale, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	out := map[string]string{}
	for table, q := range digestQueries {
		out[table] = tableDigest(t, srv.db, q)
	}
	return out
}

func TestSeedIsDeterministic(t *testing.T) {
	first, again, other := digests(t, 42), digests(t, 42), digests(t, 43)
	for table := range digestQueries {
		if first[table] != again[table] {
			t.Errorf("%s differ between two seeds of 42", table)
		}
		if table != "companies" && first[table] == other[table] {
			t.Errorf("%s are the same for seeds 42 and 43", table)
		}
	}
}

func TestSeedZeroIsDeterministic(t *testing.T) {
	if a, b := digests(t, 0), digests(t, 0); a["people"] != b["people"] {
		t.Error("seed 0 gives different people on each run")
	}
}

func TestPersistenceAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	cfg := Config{DBPath: path, Seed: 5, Scale: testScale, Logger: quietLogger(), EventInterval: time.Hour}
	ts := newTestSandbox(t, func(c *Config) { *c = cfg })
	if ts.srv.DataDir() != filepath.Dir(path) {
		t.Errorf("DataDir = %q, want %q", ts.srv.DataDir(), filepath.Dir(path))
	}
	sub, err := ts.client.CreateSubscription(ctx, subscriptionInput("kept"))
	if err != nil {
		t.Fatal(err)
	}
	injected := ts.inject(t, cognism.Event{Type: "quote", Org: "IBM"})
	before := tableDigest(t, ts.srv.db, digestQueries["people"])
	ts.http.Close()
	if err := ts.srv.Close(); err != nil {
		t.Fatal(err)
	}

	cfg.Seed = 6 // a different seed must not reseed a filled database
	again := newTestSandbox(t, func(c *Config) { *c = cfg })
	got, err := again.client.GetSubscription(ctx, sub.ID)
	if err != nil || got.Name != "kept" {
		t.Fatalf("subscription after restart: %+v, %v", got, err)
	}
	if after := tableDigest(t, again.srv.db, digestQueries["people"]); after != before {
		t.Error("people changed across a restart")
	}
	events, err := again.client.EventStream(ctx, cognism.EventStreamOptions{Rule: cognism.Rule{cognism.Values("id", string(injected.ID))}})
	if err != nil || len(events) != 1 {
		t.Errorf("injected event after restart: %v, %v", events, err)
	}
}

func TestMemoryDataDirIsEmpty(t *testing.T) {
	ts := newTestSandbox(t)
	if dir := ts.srv.DataDir(); dir != "" {
		t.Errorf("DataDir = %q, want empty for :memory:", dir)
	}
}

// TestFullSeed seeds the default dataset once and checks its counts and the
// joins the gateway relies on. Its duration is logged, not asserted;
// BenchmarkSeed measures it.
func TestFullSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the full dataset")
	}
	start := time.Now()
	srv, err := New(ctx, Config{DBPath: filepath.Join(t.TempDir(), "full.db"), Seed: 1, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Logf("full seed took %v", time.Since(start).Round(time.Millisecond))

	counts := map[string]int{"companies": 500, "people": 10_000, "events": 50_000, "documents": 5_000}
	for table, want := range counts {
		var got int
		if err := srv.db.QueryRow("SELECT count(*) FROM " + table).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got < want {
			t.Errorf("%s: %d rows, want at least %d", table, got, want)
		}
	}
	checkSeededVariety(t, srv.db)
	checkSeededJoins(t, srv)
}

func checkSeededVariety(t *testing.T, db *sql.DB) {
	t.Helper()
	var types, sources, nested, quoted, minAt, maxAt int64
	queries := []struct {
		dst   *int64
		query string
	}{
		{&types, "SELECT count(DISTINCT type) FROM events"},
		{&sources, "SELECT count(DISTINCT source_fold) FROM documents"},
		{&nested, "SELECT count(*) FROM documents WHERE data LIKE '%\"references\"%'"},
		{&quoted, "SELECT count(*) FROM documents WHERE data LIKE '%\"speakerName\"%'"},
		{&minAt, "SELECT min(at) FROM events"},
		{&maxAt, "SELECT max(at) FROM events"},
	}
	for _, q := range queries {
		if err := db.QueryRow(q.query).Scan(q.dst); err != nil {
			t.Fatal(err)
		}
	}
	if types != 8 || sources < 5 || nested == 0 || quoted == 0 {
		t.Errorf("%d event types, %d sources, %d documents with nested entities, %d with quotations", types, sources, nested, quoted)
	}
	if time.UnixMilli(minAt).Year() != 2015 || time.UnixMilli(maxAt).Year() != 2026 {
		t.Errorf("events span %v to %v, want 2015 to 2026", time.UnixMilli(minAt), time.UnixMilli(maxAt))
	}
}

// checkSeededJoins checks that event organisations and employees, and
// document entities and speakers, name seeded companies and people.
func checkSeededJoins(t *testing.T, srv *Server) {
	t.Helper()
	rows, err := srv.db.Query("SELECT data FROM events ORDER BY seq LIMIT 2000")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			t.Fatal(err)
		}
		var ev cognism.Event
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatal(err)
		}
		if srv.companies.byExactName(ev.Org) == nil {
			t.Fatalf("event %s names unknown company %q", ev.ID, ev.Org)
		}
		if ev.OrgFromInfo != nil && srv.companies.byExactName(ev.OrgFromInfo.Name) == nil {
			t.Fatalf("event %s comes from unknown company %q", ev.ID, ev.OrgFromInfo.Name)
		}
		var n int
		err := srv.db.QueryRow("SELECT count(*) FROM people WHERE first_fold = ? AND last_fold = ?",
			fold(ev.Employee.FirstName), fold(ev.Employee.LastName)).Scan(&n)
		if err != nil || n == 0 {
			t.Fatalf("event %s names unknown person %q", ev.ID, ev.Employee.Name)
		}
	}

	var ibmPeople, ibmEvents, ibmNews int
	srv.db.QueryRow("SELECT count(*) FROM people WHERE current_fold = 'ibm'").Scan(&ibmPeople)
	srv.db.QueryRow("SELECT count(*) FROM events WHERE org_fold = 'ibm'").Scan(&ibmEvents)
	srv.db.QueryRow("SELECT count(DISTINCT uid) FROM document_entities WHERE value_fold = 'ibm'").Scan(&ibmNews)
	if ibmPeople < 100 || ibmEvents < 500 || ibmNews < 50 {
		t.Errorf("IBM has %d people, %d events, %d documents", ibmPeople, ibmEvents, ibmNews)
	}
	for _, name := range []string{"IBM", "AT&T", "Société Générale", "Hewlett Packard Enterprise", "Microsoft"} {
		if srv.companies.byExactName(name) == nil {
			t.Errorf("%s is not seeded", name)
		}
	}
	if !slices.ContainsFunc(srv.companies.list, func(c *seedCompany) bool { return c.ID == "1009" && c.Path == "ibm" }) {
		t.Error("IBM is not company 1009 at path ibm")
	}
}

func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		srv, err := New(ctx, Config{DBPath: filepath.Join(b.TempDir(), "bench.db"), Seed: 1, Logger: quietLogger()})
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

func TestSeedDocumentTextHasNoFormatErrors(t *testing.T) {
	ts := newTestSandbox(t)
	opts := cognism.DocumentSearchOptions{
		Sources: []string{"Financial Times", "Reuters", "Bloomberg", "The Guardian", "BBC News", "TechCrunch"},
	}
	result, err := ts.client.SearchDocuments(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(result.Documents) == 0 {
		t.Fatal("no documents")
	}
	for _, d := range result.Documents {
		for _, text := range []string{d.Headline, d.SubHeadline, d.Abstract} {
			if strings.Contains(text, "%!") {
				t.Errorf("document %s has a formatting error: %q", d.UID, text)
			}
		}
	}
}
