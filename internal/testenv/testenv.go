// Package testenv holds what every package's tests share about the machine
// they run on: whether they run in CI, the one way to skip a test for a
// missing tool, and where the shared test corpora are. It imports nothing of
// Sharefair's, so that any package's tests (markdown's own too) can use it.
package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// SkipMarker starts the message of every test skipped for a missing tool,
// so that a log can be searched for skips with one pattern; under CI=true
// the same test fails with ForbiddenMarker instead.
const (
	SkipMarker      = "sharefair-skip:"
	ForbiddenMarker = "sharefair-skip-forbidden:"
)

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// SkipOrFail skips the test with msg, or fails it in CI.
func SkipOrFail(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s %s (CI=true: this test must run)", ForbiddenMarker, msg)
	}
	t.Skipf("%s %s", SkipMarker, msg)
}

// CorporaEnv names the variable that may point at the directory of shared
// test corpora (blns.json, xss-payloadbox.txt); by default they are in
// ../shared/corpora beside the module root.
const CorporaEnv = "SHAREFAIR_CORPORA"

// CorpusPath returns the path of the named shared corpus file. It looks in
// $SHAREFAIR_CORPORA, then in ../shared/corpora beside the directory holding
// go.mod (tests run in their package's directory, so the root is found by
// walking up). When the file is in neither place the test skips, or fails
// under CI=true, saying where to put it.
func CorpusPath(t testing.TB, name string) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv(CorporaEnv); d != "" {
		dirs = append(dirs, d)
	}
	if root, ok := moduleRoot(); ok {
		dirs = append(dirs, filepath.Join(root, "..", "shared", "corpora"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	SkipOrFail(t, "corpus "+name+" not found: put it in ../shared/corpora beside the project root, or set "+
		CorporaEnv+" to the directory holding it (looked in: "+strings.Join(dirs, ", ")+")")
	return ""
}

// moduleRoot walks up from the working directory to the one holding go.mod.
func moduleRoot() (string, bool) {
	d, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}
