package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

// dialect holds what differs between the two engines, as methods: nothing
// outside this file asks which engine it runs on. Queries themselves are
// shared; keep this list short.
type dialect interface {
	name() string
	gooseDialect() goose.Dialect
	// migrationOptions are the engine's options for running migrations.
	migrationOptions() ([]goose.ProviderOption, error)
	// lockExclusive and lockShared end a SELECT inside a write transaction
	// so that the rows it read stay as read until the transaction ends:
	// exclusive against other writers of the row, shared against its
	// changes. Where a write transaction already excludes every other
	// writer, they are empty.
	lockExclusive() string
	lockShared() string
	// uniqueViolation reports whether err is a unique violation and, when
	// the driver says, on which table and column.
	uniqueViolation(err error) (table, column string, ok bool)
}

type sqlite struct{}

func (sqlite) name() string                { return "sqlite" }
func (sqlite) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }

// migrationOptions: SQLite's one writer already keeps two migrations
// apart.
func (sqlite) migrationOptions() ([]goose.ProviderOption, error) { return nil, nil }

// SQLite's write transactions start IMMEDIATE: one writer at a time, so
// what a write transaction read stays as read without row locks.
func (sqlite) lockExclusive() string { return "" }
func (sqlite) lockShared() string    { return "" }

func (sqlite) uniqueViolation(err error) (string, string, bool) {
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		return "", "", false
	}
	switch se.Code() {
	case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
	default:
		return "", "", false
	}
	// "… UNIQUE constraint failed: members.email (2067)"; of several
	// columns, the first.
	msg := se.Error()
	i := strings.LastIndex(msg, "constraint failed: ")
	if i < 0 {
		return "", "", true
	}
	first, _, _ := strings.Cut(msg[i+len("constraint failed: "):], ",")
	first, _, _ = strings.Cut(first, " ")
	table, column, _ := strings.Cut(first, ".")
	return table, column, true
}

type postgres struct{}

func (postgres) name() string                { return "postgres" }
func (postgres) gooseDialect() goose.Dialect { return goose.DialectPostgres }

// migrationOptions: a session lock keeps two starting instances from
// migrating at once.
func (postgres) migrationOptions() ([]goose.ProviderOption, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}

// NO KEY UPDATE rather than UPDATE: rows that only refer to the locked one
// (a post by the member) need not wait for it.
func (postgres) lockExclusive() string { return " FOR NO KEY UPDATE" }
func (postgres) lockShared() string    { return " FOR SHARE" }

func (postgres) uniqueViolation(err error) (string, string, bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return "", "", false
	}
	column := pe.ColumnName
	// "Key (email)=(bob@example.org) already exists." (first of several).
	if _, rest, ok := strings.Cut(pe.Detail, "Key ("); ok && column == "" {
		column, _, _ = strings.Cut(rest, ")")
		column, _, _ = strings.Cut(column, ",")
	}
	return pe.TableName, column, true
}
