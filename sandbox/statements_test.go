package sandbox

import (
	"context"
	"fmt"
	"testing"
)

// newTestStatements returns statements over a fresh in-memory database,
// both closed when the test ends.
func newTestStatements(t *testing.T) *statements {
	t.Helper()
	db, err := openDB(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	stmts := newStatements(db)
	t.Cleanup(func() {
		_ = stmts.close()
		_ = db.Close()
	})
	return stmts
}

func TestStatementsPrepareEachTextOnce(t *testing.T) {
	ctx := context.Background()
	stmts := newTestStatements(t)

	first, err := stmts.prepared(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := stmts.prepared(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if first == nil || first != again {
		t.Errorf("the same text was prepared twice: %p then %p", first, again)
	}
}

func TestStatementsBeyondLimitRunUnprepared(t *testing.T) {
	ctx := context.Background()
	stmts := newTestStatements(t)

	for i := range maxStatements + 1 {
		rows, err := stmts.query(ctx, fmt.Sprintf("SELECT %d", i))
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		var got int
		if !rows.Next() || rows.Scan(&got) != nil || got != i {
			t.Errorf("query %d returned %d", i, got)
		}
		rows.Close()
	}
	if n := len(stmts.byText); n != maxStatements {
		t.Errorf("%d statements kept, want the limit %d", n, maxStatements)
	}
}
