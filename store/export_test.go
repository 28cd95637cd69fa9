package store

import (
	"context"
	"database/sql"
)

// Exec runs a statement directly, for tests that set up states the
// services cannot produce yet (e.g. posts with hidden authors).
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.conns.ExecContext(ctx, query, args...)
	return err
}

// QueryRow reads one row directly, for tests that check stored state.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.write.conns.QueryRowContext(ctx, query, args...)
}

// BeginWrite opens a write transaction directly, for tests that hold a
// change uncommitted while a store method runs beside it.
func (db *DB) BeginWrite(ctx context.Context) (*sql.Tx, error) {
	return db.write.conns.BeginTx(ctx, nil)
}

// RenderHubDescriptions renders hub descriptions stored unrendered, as
// Open does.
func (db *DB) RenderHubDescriptions(ctx context.Context) error { return db.renderHubDescriptions(ctx) }
