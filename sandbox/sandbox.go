package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Server is the sandbox API over one SQLite database. It is safe for
// concurrent use.
type Server struct {
	cfg      Config
	log      *slog.Logger
	db       *sql.DB
	stmts    *statements
	accounts map[string]Account // by access token
	faults   *faults
	stats    *stats
	handler  http.Handler

	companies *companyIndex
	live      *live

	closeOnce sync.Once
}

// New opens the database at cfg.DBPath, migrates its schema and, when it is
// empty, seeds it from cfg.Seed. Later starts on the same file reuse its
// data.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Faults.validate(); err != nil {
		return nil, fmt.Errorf("sandbox: invalid faults: %w", err)
	}

	db, err := openDB(ctx, cfg.DBPath)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		db:       db,
		stmts:    newStatements(db),
		accounts: map[string]Account{},
		faults:   newFaults(cfg.Faults),
		stats:    newStats(),
	}
	for _, a := range cfg.Accounts {
		s.accounts[a.AccessToken] = a
	}

	if err := s.prepareData(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.live = newLive(s)
	if err := s.live.start(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sandbox: starting live events: %w", err)
	}
	s.handler = s.routes()
	return s, nil
}

// prepareData seeds an empty database and loads the company index.
func (s *Server) prepareData(ctx context.Context) error {
	started := time.Now()
	seeded, err := seedIfEmpty(ctx, s.db, s.cfg.Seed, s.cfg.Scale)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	if seeded {
		s.log.Info("sandbox database seeded", "path", s.cfg.DBPath, "seed", s.cfg.Seed,
			"scale", s.cfg.Scale, "duration", time.Since(started).Round(time.Millisecond))
	} else if seed, _, _ := getMeta(ctx, s.db, "seed"); seed != strconv.FormatInt(s.cfg.Seed, 10) {
		s.log.Warn("sandbox database was seeded with another seed; keeping its data",
			"path", s.cfg.DBPath, "database_seed", seed, "configured_seed", s.cfg.Seed)
	}

	if s.companies, err = loadCompanyIndex(ctx, s.db); err != nil {
		return fmt.Errorf("sandbox: loading companies: %w", err)
	}
	return nil
}

// Handler returns the HTTP handler of the API, the control endpoints under
// /_sandbox/ and /openapi.yaml. It may be mounted under a path prefix with
// http.StripPrefix.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// DataDir returns the folder of the database file, or "" for an in-memory
// database.
func (s *Server) DataDir() string {
	if s.cfg.DBPath == ":memory:" {
		return ""
	}
	return filepath.Dir(s.cfg.DBPath)
}

// Close stops the live event generator and callback deliveries, closes the
// open websockets and then the database.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.live.stop()
		err = errors.Join(s.stmts.close(), s.db.Close())
	})
	if err != nil && !errors.Is(err, sql.ErrConnDone) {
		return fmt.Errorf("sandbox: closing database: %w", err)
	}
	return nil
}
