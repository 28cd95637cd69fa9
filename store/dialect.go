package store

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/sharefair/sharefair"
)

// dialect holds what differs between the two engines. Queries themselves
// are shared; keep this list short.
type dialect interface {
	name() string
	gooseDialect() goose.Dialect
	// normalize turns driver errors into sharefair errors: a unique
	// violation becomes a conflict.
	normalize(err error) error
}

type sqlite struct{}

func (sqlite) name() string                { return "sqlite" }
func (sqlite) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }

func (sqlite) normalize(err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
			return conflict(err)
		}
	}
	return err
}

type postgres struct{}

func (postgres) name() string                { return "postgres" }
func (postgres) gooseDialect() goose.Dialect { return goose.DialectPostgres }

func (postgres) normalize(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return conflict(err)
	}
	return err
}

// conflict wraps a unique violation; callers that know which field clashed
// return a more precise error before it gets here.
func conflict(err error) error {
	return fmt.Errorf("%w (%v)", sharefair.Errorf(sharefair.ECONFLICT, "That already exists."), err)
}
