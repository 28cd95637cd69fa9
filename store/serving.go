package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrServedElsewhere is what LockForServing answers when another process
// serves the same SQLite database.
var ErrServedElsewhere = errors.New("another Sharefair is serving this data directory; stop it first, or give this one --data of its own")

// LockForServing claims the database opts name for one serving process,
// and returns what releases it. On SQLite a second process serving the
// same file would run the same background jobs and keep caches the first
// cannot clear: it is refused at start, before it migrates anything (an
// advisory lock on a file beside the database, released when the process
// ends, however it ends). On PostgreSQL any number of instances serve one
// database, and nothing is locked.
func LockForServing(opts Options) (func(), error) {
	if strings.HasPrefix(opts.URL, "postgres://") || strings.HasPrefix(opts.URL, "postgresql://") {
		return func() {}, nil
	}
	path, err := sqlitePath(opts)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path+".serving", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock for serving: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%w (%s)", ErrServedElsewhere, path)
		}
		return nil, fmt.Errorf("lock for serving: %w", err)
	}
	return func() {
		_ = unlockFile(f)
		f.Close()
	}, nil
}

var errLocked = errors.New("locked")
