package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
)

// TestMigrationFoldersMatch checks that both engines have the same
// migrations: a migration written for one engine only would leave the
// other's schema behind.
func TestMigrationFoldersMatch(t *testing.T) {
	names := func(engine string) []string {
		t.Helper()
		entries, err := fs.ReadDir(migrations, "migrations/"+engine)
		if err != nil {
			t.Fatalf("%s migrations: %v", engine, err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	lite, pg := names(sqlite{}.name()), names(postgres{}.name())
	if len(lite) == 0 {
		t.Fatal("no migrations found")
	}
	if !slices.Equal(lite, pg) {
		t.Fatalf("migration folders differ:\n sqlite:   %v\n postgres: %v", lite, pg)
	}
	for _, n := range lite {
		if !strings.HasSuffix(n, ".sql") {
			t.Errorf("%s: migrations are .sql files", n)
		}
	}
}

// TestWritesOnlyThroughTransactions checks that nothing but db.go reaches
// the write pool: every write goes through inTx, which reads the
// permission check with it and normalises driver errors. The pool's type
// offers no way to write; this catches reaching past it.
func TestWritesOnlyThroughTransactions(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "db.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "conns" || sel.Sel.Name == "pool") {
				t.Errorf("%s: %s reaches a connection pool directly; write through db.inTx, read through db.read",
					fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no source files checked")
	}
}

// TestPageBoundsAreLiterals checks that no query binds its LIMIT or OFFSET
// as an argument: SQLite re-prepares such a statement on every new binding.
// limitSQL writes them as literals.
func TestPageBoundsAreLiterals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	bound := regexp.MustCompile(`(?i)(LIMIT|OFFSET)\s*["` + "`" + `]?\s*\+?\s*(q\.arg|\$\d)`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range bound.FindAllIndex(b, -1) {
			line := 1 + strings.Count(string(b[:at[0]]), "\n")
			t.Errorf("%s:%d binds a page bound; use limitSQL: %s", name, line, b[at[0]:at[1]])
		}
	}
	for _, bad := range [][2]int{{0, 0}, {1, -1}, {sharefair.MaxPageSize + 2, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("limitSQL(%d, %d) did not refuse", bad[0], bad[1])
				}
			}()
			limitSQL(bad[0], bad[1])
		}()
	}
	if got := limitSQL(31, 60); got != " LIMIT 31 OFFSET 60" {
		t.Errorf("limitSQL(31, 60) = %q", got)
	}
}
