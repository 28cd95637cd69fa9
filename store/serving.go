package store

import (
	"errors"
	"fmt"
	"os"
)

// ErrServedElsewhere is what LockForServing answers when another process
// serves the same SQLite database.
var ErrServedElsewhere = errors.New("another Sharefair is serving this data directory; stop it first, or give this one --data of its own")

// LockForServing claims the database for one serving process, and returns
// what releases it. On SQLite a second process serving the same file would
// run the same background jobs and keep caches the first cannot clear:
// it is refused at start (an advisory lock on a file beside the database,
// released when the process ends, however it ends). On PostgreSQL any
// number of instances serve one database.
func (db *DB) LockForServing() (func(), error) {
	if db.path == "" || db.path == ":memory:" {
		return func() {}, nil
	}
	f, err := os.OpenFile(db.path+".serving", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock for serving: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%w (%s)", ErrServedElsewhere, db.path)
		}
		return nil, fmt.Errorf("lock for serving: %w", err)
	}
	return func() {
		_ = unlockFile(f)
		f.Close()
	}, nil
}

var errLocked = errors.New("locked")
