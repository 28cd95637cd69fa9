package iconsprite_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/iconsprite"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBuild checks that an icon keeps its drawing and viewBox, loses its
// size, class and handlers, and is stroked in currentColor; and that what
// a symbol cannot hold is refused.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pin.svg", `<!-- @license x -->
<svg class="lucide lucide-pin" xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"
  fill="none" stroke="#123456" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" onload="alert(1)">
  <path class="a" d="M1 2h3" onclick="x()"/>
  <circle cx="12" cy="10" r="3" />
</svg>`)
	write(t, dir, "nested.svg", `<svg viewBox="0 0 24 24"><g><path d="M0 0"/></g></svg>`)
	write(t, dir, "script.svg", `<svg viewBox="0 0 24 24"><script>alert(1)</script></svg>`)
	write(t, dir, "nobox.svg", `<svg width="24"><path d="M0 0"/></svg>`)
	var b strings.Builder
	if err := iconsprite.Build(&b, []string{"pin"}, dir, "note -- here"); err != nil {
		t.Fatal(err)
	}
	want := `<svg xmlns="http://www.w3.org/2000/svg"><!-- note — here -->
<symbol id="pin" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M1 2h3"/><circle cx="12" cy="10" r="3"/></symbol>
</svg>
`
	if b.String() != want {
		t.Errorf("sprite:\n%s\nwant:\n%s", b.String(), want)
	}
	if ids, err := iconsprite.Symbols([]byte(b.String())); err != nil || !reflect.DeepEqual(ids, []string{"pin"}) {
		t.Errorf("Symbols = %v, %v", ids, err)
	}
	for _, name := range []string{"nested", "script", "nobox", "missing"} {
		if err := iconsprite.Build(&strings.Builder{}, []string{name}, dir, ""); err == nil {
			t.Errorf("icon %s: built, want refused", name)
		}
	}
}

// TestCalls checks that every call of the component is found, a literal
// or not, and that its definition and comments are not calls.
func TestCalls(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.templ", `package web

// icon("in-a-comment") is not a call
templ icon(name string) {
	<svg></svg>
}

templ nav(section string) {
	@icon("users") <span>@navIcon(section)</span>
	@icon(section)
	@myicon("not-ours")
}
`)
	write(t, dir, "b.templ", `package web
templ b() {
	@icon("map-pin")
	@icon("users")
}
`)
	write(t, dir, "c.go", `package web
var _ = icon("in-go")
`)
	calls, err := iconsprite.Calls(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []iconsprite.Call{{"a.templ", 9, "users"}, {"a.templ", 10, ""}, {"b.templ", 3, "map-pin"}, {"b.templ", 4, "users"}}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("Calls = %v\nwant %v", calls, want)
	}
	if names := iconsprite.Names(calls); !reflect.DeepEqual(names, []string{"map-pin", "users"}) {
		t.Errorf("Names = %v", names)
	}
}
