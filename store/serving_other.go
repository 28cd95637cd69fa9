//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// Elsewhere than where flock(2) is, no lock is taken: one process per data directory
// is then the operator's to keep.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
