package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop the schema
)

// database is a fresh database the bench may fill and throw away.
type database struct {
	engine  string
	version string
	url     string       // for app.Config.DatabaseURL
	where   string       // where it is, for people
	drop    func() error // removes it
	// analyze brings the planner's statistics up to date after seeding,
	// as the server's own background work would in time; nil when the
	// engine keeps none that matter.
	analyze func(ctx context.Context) error
}

// newSQLite makes a temporary directory under dir (the system's when
// empty) for a SQLite database.
func newSQLite(dir string) (database, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return database{}, fmt.Errorf("bench: data directory: %w", err)
		}
	}
	tmp, err := os.MkdirTemp(dir, "sharefair-bench-")
	if err != nil {
		return database{}, fmt.Errorf("bench: data directory: %w", err)
	}
	version := "modernc.org/sqlite"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "modernc.org/sqlite" {
				version += " " + d.Version
			}
		}
	}
	return database{engine: "sqlite", version: version, url: filepath.Join(tmp, "sharefair.db"),
		where: "SQLite in " + tmp + " (sharefair serve --data " + tmp + ")",
		drop:  func() error { return os.RemoveAll(tmp) }}, nil
}

// newPostgres creates a uniquely named schema on the server at base and
// returns a URL whose connections use it; drop removes the schema and all
// it holds. Nothing outside the schema is touched.
func newPostgres(ctx context.Context, base string) (database, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return database{}, fmt.Errorf("bench: postgres: %w", err)
	}
	defer admin.Close()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var version string
	if err := admin.QueryRowContext(cctx, "SHOW server_version").Scan(&version); err != nil {
		return database{}, fmt.Errorf("bench: postgres: %w", err)
	}
	if _, err := admin.ExecContext(cctx, "CREATE SCHEMA "+schema); err != nil {
		return database{}, fmt.Errorf("bench: postgres: create schema: %w", err)
	}
	drop := func() error {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	u, err := url.Parse(base)
	if err != nil {
		_ = drop()
		return database{}, fmt.Errorf("bench: database URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return database{engine: "postgres", version: "PostgreSQL " + version, url: u.String(),
		where: "PostgreSQL schema " + schema + " (drop it with DROP SCHEMA " + schema + " CASCADE)", drop: drop,
		analyze: func(ctx context.Context) error { return analyzeSchema(ctx, u.String()) }}, nil
}

// analyzeSchema vacuums and analyses every table of the schema the URL's
// connections use, and nothing else: a bare VACUUM would visit every
// schema in the database, other people's included. Freshly bulk-loaded
// tables have no statistics and no visibility map until autovacuum gets
// to them: without statistics PostgreSQL plans the thread list as a scan
// and sort of every thread, and without the visibility map counting a
// hub's members cannot use an index-only scan. Production runs on tables
// autovacuum has seen.
func analyzeSchema(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("bench: analyze: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)
		FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		return fmt.Errorf("bench: analyze: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("bench: analyze: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bench: analyze: %w", err)
	}
	if len(tables) == 0 {
		return errors.New("bench: analyze: the schema has no tables")
	}
	if _, err := db.ExecContext(ctx, "VACUUM (ANALYZE) "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("bench: analyze: %w", err)
	}
	return nil
}
