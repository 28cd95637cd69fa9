package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
