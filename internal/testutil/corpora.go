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
