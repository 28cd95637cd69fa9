package store

import "context"

// Exec runs a statement directly, for tests that set up states the
// services cannot produce yet (e.g. posts with hidden authors).
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}
