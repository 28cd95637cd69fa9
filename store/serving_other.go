//go:build !unix

package store

import "os"

// Elsewhere than on Unix no lock is taken: one process per data directory
// is then the operator's to keep.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
