package api

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
)

// TestCheckNames covers what no body of today's API reaches through
// encoding/json: a name given twice inside a nested object or one in an
// array, and a wrongly cased name beside nested values.
func TestCheckNames(t *testing.T) {
	names := map[string]bool{"title": true, "tags": true, "meta": true}
	for _, c := range []struct {
		body, field string // field "" when the body is accepted
	}{
		{`{"title":"a","tags":[{"x":1},{"x":2}],"meta":{"a":{"b":1},"c":[1,[2]]}}`, ""},
		{`{"meta":{"a":1,"a":2}}`, "a"},
		{`{"tags":[{"x":1,"y":{"z":1,"z":2}}]}`, "z"},
		{`{"tags":[[{"k":1,"k":1}]]}`, "k"},
		{`{"meta":{"x":{}},"TITLE":"a"}`, "TITLE"},
		{`{"meta":{"Title":1}}`, ""}, // case is checked at the top level only
		{`{"title":"a","tags":[],"title":"b"}`, "title"},
	} {
		err := checkNames([]byte(c.body), names)
		got := ""
		if err != nil {
			if sharefair.ErrorCode(err) != sharefair.EBADREQUEST {
				t.Errorf("%s: %v is not a bad request", c.body, err)
			}
			for f := range sharefair.ErrorFields(err) {
				got = f
			}
		}
		if got != c.field || (err == nil) != (c.field == "") {
			t.Errorf("%s: refused naming %q (%v), want %q", c.body, got, err, c.field)
		}
	}
}

// TestHandlersReadParamsStructs keeps handlers from reading the path or
// query themselves: what they read must come through their parameters
// struct, which is what the document describes.
func TestHandlersReadParamsStructs(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"params.go": true, "api.go": true} // the binder; checkURL's check of every value
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || allowed[f] {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"PathValue(", "URL.Query()", "URL.RawQuery", "FormValue("} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s reads %s itself; add the parameter to the operation's parameters struct", f, s)
			}
		}
	}
}

// TestParamsStructs checks every operation's parameters struct is one
// bindParams reads fully: each field is a path or query parameter of a
// kind it parses, numbers carry their bounds, path numbers say what they
// name, and each of the path's wildcards has its field.
func TestParamsStructs(t *testing.T) {
	for _, rt := range (&Handler{}).routeTable() {
		fields := map[string]string{} // name → in
		if rt.ep.params != nil {
			var walk func(typ reflect.Type)
			walk = func(typ reflect.Type) {
				for i := range typ.NumField() {
					f := typ.Field(i)
					if f.Anonymous && f.Type.Kind() == reflect.Struct {
						walk(f.Type)
						continue
					}
					in, name := "path", f.Tag.Get("path")
					if name == "" {
						in, name = "query", f.Tag.Get("query")
					}
					if name == "" {
						t.Errorf("%s %s: field %s is neither a path nor a query parameter", rt.method, rt.pattern, f.Name)
						continue
					}
					fields[name] = in
					switch f.Type.Kind() {
					case reflect.String:
					case reflect.Int, reflect.Int64:
						if f.Tag.Get("minimum") == "" || (in == "query" && f.Tag.Get("maximum") == "") {
							t.Errorf("%s %s: number %s has no bounds", rt.method, rt.pattern, name)
						}
						if in == "path" && f.Tag.Get("what") == "" {
							t.Errorf("%s %s: path number %s does not say what it names", rt.method, rt.pattern, name)
						}
					default:
						t.Errorf("%s %s: %s is a %s, which bindParams does not read", rt.method, rt.pattern, name, f.Type.Kind())
					}
				}
			}
			walk(reflect.TypeOf(rt.ep.params))
		}
		for _, seg := range strings.Split(rt.pattern, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				if fields[name] != "path" {
					t.Errorf("%s %s: wildcard %s has no path field", rt.method, rt.pattern, name)
				}
				delete(fields, name)
			}
		}
		for name, in := range fields {
			if in == "path" {
				t.Errorf("%s %s: path field %s is not in the pattern", rt.method, rt.pattern, name)
			}
		}
	}
}
