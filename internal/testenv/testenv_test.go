package testenv

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestSkipsCarryTheMarker: a test skipped anywhere in Sharefair skips
// through SkipOrFail, so that every skip prints SkipMarker (and fails in
// CI); a bare t.Skip would be a skip no log search finds.
func TestSkipsCarryTheMarker(t *testing.T) {
	root, ok := moduleRoot()
	if !ok {
		t.Fatal("no go.mod above the working directory")
	}
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || filepath.Dir(path) == filepath.Join(root, "internal", "testenv") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Skip", "Skipf", "SkipNow":
					t.Errorf("%s: %s: skip through testenv.SkipOrFail (or testutil.SkipOrFail), which prints %q",
						fset.Position(call.Pos()), sel.Sel.Name, SkipMarker)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("looked at %d Go files under %s; expected the whole module", files, root)
	}
}
