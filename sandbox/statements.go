package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxStatements bounds the prepared statements kept. Searches build their
// SQL from the request's filters, so the number of distinct texts depends
// on the requests, and texts beyond the bound run unprepared.
const maxStatements = 256

// statements keeps prepared statements by their SQL text, so the searches
// that run on every request are parsed once per connection instead of on
// every call.
type statements struct {
	db *sql.DB

	mu     sync.Mutex
	byText map[string]*sql.Stmt
}

func newStatements(db *sql.DB) *statements {
	return &statements{db: db, byText: map[string]*sql.Stmt{}}
}

// query runs the SQL text with args through its prepared statement.
func (c *statements) query(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	stmt, err := c.prepared(ctx, text)
	if err != nil {
		return nil, err
	}
	if stmt == nil {
		return c.db.QueryContext(ctx, text, args...)
	}
	return stmt.QueryContext(ctx, args...)
}

// prepared returns the statement of text, preparing it on first use. It
// returns nil when the cache is full.
func (c *statements) prepared(ctx context.Context, text string) (*sql.Stmt, error) {
	c.mu.Lock()
	stmt, ok := c.byText[text]
	full := len(c.byText) >= maxStatements
	c.mu.Unlock()
	if ok || full {
		return stmt, nil
	}

	stmt, err := c.db.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if existing, ok := c.byText[text]; ok {
		// Another request prepared the same text meanwhile.
		_ = stmt.Close()
		return existing, nil
	}
	c.byText[text] = stmt
	return stmt, nil
}

// close closes every prepared statement.
func (c *statements) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for text, stmt := range c.byText {
		errs = append(errs, stmt.Close())
		delete(c.byText, text)
	}
	return errors.Join(errs...)
}
