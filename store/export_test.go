package store

import (
	"context"
	"database/sql"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/sharefair/sharefair"
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

// MigrateTo applies engine's migrations ("sqlite" or "postgres") on conn
// up to version, for tests of a migration over what older versions left.
func MigrateTo(ctx context.Context, conn *sql.DB, engine string, version int64) error {
	var d dialect = sqlite{}
	if engine == "postgres" {
		d = postgres{}
	}
	fsys, err := fs.Sub(migrations, "migrations/"+d.name())
	if err != nil {
		return err
	}
	opts, err := d.migrationOptions()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(d.gooseDialect(), conn, fsys, opts...)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// AppendAudit writes an audit entry directly, as an act would inside its
// transaction, for tests of the log itself.
func (db *DB) AppendAudit(ctx context.Context, actorID int64, action string, subjectID int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, actorID, auditRecord{Action: sharefair.AuditAction(action), SubjectID: subjectID})
	})
}
