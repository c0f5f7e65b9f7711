package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	json "github.com/goccy/go-json"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// schemaVersion is the schema that migrations bring a database to; it is
// kept in PRAGMA user_version.
const schemaVersion = 4

// migrations[i] brings a database from version i to i+1.
var migrations = []string{
	`
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE companies (
	id         TEXT PRIMARY KEY,
	name_fold  TEXT NOT NULL,
	path       TEXT NOT NULL,
	founded    TEXT NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX companies_name ON companies (name_fold);
CREATE INDEX companies_path ON companies (path);

CREATE TABLE people (
	uid          TEXT PRIMARY KEY,
	first_fold   TEXT NOT NULL,
	last_fold    TEXT NOT NULL,
	current_fold TEXT NOT NULL,
	data         TEXT NOT NULL
);
CREATE INDEX people_last ON people (last_fold, first_fold);
CREATE INDEX people_first ON people (first_fold);
CREATE INDEX people_current ON people (current_fold);

CREATE TABLE events (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	at       INTEGER NOT NULL,
	type     TEXT NOT NULL,
	org_fold TEXT NOT NULL,
	data     TEXT NOT NULL
);
CREATE INDEX events_at ON events (at DESC, seq DESC);
CREATE INDEX events_type ON events (type, at DESC);
CREATE INDEX events_org ON events (org_fold, at DESC);

CREATE TABLE documents (
	uid     INTEGER PRIMARY KEY,
	day     INTEGER NOT NULL,
	source_fold TEXT NOT NULL,
	data    TEXT NOT NULL
);
CREATE INDEX documents_day ON documents (day DESC, uid DESC);

CREATE VIRTUAL TABLE documents_fts USING fts5 (
	articleName, subHeadline, abstract,
	content = '',
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE document_annotations (
	uid        INTEGER NOT NULL,
	kind_fold  TEXT NOT NULL,
	label_fold TEXT NOT NULL
);
CREATE INDEX document_annotations_key ON document_annotations (kind_fold, label_fold, uid);

CREATE TABLE document_entities (
	uid        INTEGER NOT NULL,
	type       TEXT NOT NULL,
	value_fold TEXT NOT NULL,
	relevance  REAL NOT NULL
);
CREATE INDEX document_entities_value ON document_entities (value_fold, type, uid);

CREATE TABLE subscriptions (
	id         TEXT PRIMARY KEY,
	account    TEXT NOT NULL,
	active     INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX subscriptions_account ON subscriptions (account, created_at);
`,
	// The keys a keyword search filters and sorts its matches by, so it
	// reads the stored document only for the page it returns.
	`CREATE INDEX documents_keys ON documents (uid, day, source_fold);`,
	// The same keys in the order of the results, for a keyword that many
	// documents match: the search walks it newest first and stops at the
	// page's end.
	`CREATE INDEX documents_order ON documents (day DESC, uid DESC, source_fold);`,
	// A person search by name and company finds its matches in uid order,
	// so it needs no sort, and the first two columns serve a search by
	// name alone, as people_last did.
	`CREATE INDEX people_name_company ON people (last_fold, first_fold, current_fold, uid);
DROP INDEX people_last;`,
}

// maxConns is the number of connections to a database file.
const maxConns = 16

// openDB opens the SQLite database at path and migrates its schema.
func openDB(ctx context.Context, path string) (*sql.DB, error) {
	dsn, err := dataSourceName(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	if path == ":memory:" {
		// Every connection to :memory: is a separate database, so keep one.
		db.SetMaxOpenConns(1)
	} else {
		// A join sends the sandbox a hundred searches at once, and WAL lets
		// them read side by side. Every connection stays open, because
		// database/sql keeps 2 idle by default and a reopened connection
		// reads the schema and prepares its statements again.
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
	}

	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating database %s: %w", path, err)
	}
	return db, nil
}

func dataSourceName(path string) (string, error) {
	pragmas := "_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	if path == ":memory:" {
		return ":memory:?" + pragmas, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("creating the database folder: %w", err)
	}
	// Reading pages through a memory map, rather than a read call per
	// page, takes about a quarter off the CPU of a document search.
	pragmas += "&_pragma=journal_mode(WAL)&_pragma=mmap_size(268435456)"
	u := url.URL{Scheme: "file", Path: path, RawQuery: pragmas}
	return u.String(), nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > schemaVersion {
		return fmt.Errorf("schema version %d is newer than this build's %d", version, schemaVersion)
	}

	for v := version; v < schemaVersion; v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("to version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func getMeta(ctx context.Context, db *sql.DB, key string) (string, bool, error) {
	var v string
	err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	return v, err == nil, err
}

// marshalText encodes v as the JSON text stored in data columns. Storing
// text rather than a blob keeps SQLite's JSON functions and LIKE working on
// it, and "<", ">" and "&" stay unescaped as the vendor sends them.
func marshalText(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
