package testutil

import (
	"testing"

	"github.com/sharefair/sharefair/internal/testenv"
)

// CorporaEnv names the variable that may point at the shared test corpora.
const CorporaEnv = testenv.CorporaEnv

// CorpusPath returns the path of the named shared corpus file, or skips
// (fails in CI) saying where to put it; see testenv.CorpusPath.
func CorpusPath(t testing.TB, name string) string {
	t.Helper()
	return testenv.CorpusPath(t, name)
}

// XSSPostgresShare is the share of the XSS corpus the PostgreSQL sweeps
// post: one payload in so many. What a page escapes is decided by its
// templates, the same on both engines, so SQLite takes the whole corpus
// and PostgreSQL a spread-out share, enough to show that what it stores
// comes back byte for byte, at a fraction of the cost.
const XSSPostgresShare = 8

// XSSShare returns the part of the XSS corpus all that the sweeps on
// engine e post: all of it on SQLite, one in XSSPostgresShare on
// PostgreSQL.
func XSSShare[T any](e Engine, all []T) []T {
	if e != Postgres {
		return all
	}
	var out []T
	for i := 0; i < len(all); i += XSSPostgresShare {
		out = append(out, all[i])
	}
	return out
}
