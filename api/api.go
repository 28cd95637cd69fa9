// Package api serves Sharefair's JSON API under /api/v1: thin handlers that
// parse a request, call one of the sharefair services and render the result.
// Access control lives in the services; the API never filters what they
// return. Every route is listed once, in routeTable, which both registers
// the handlers and is checked against openapi.json by the tests.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/server"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Handler serves the API.
type Handler struct {
	cfg    server.Config
	svcs   sharefair.Services
	signIn *auth.SignIn
	mux    *http.ServeMux
	table  []route
}

// New returns the API's handler.
func New(cfg server.Config, svcs sharefair.Services, signIn *auth.SignIn) *Handler {
	h := &Handler{cfg: cfg, svcs: svcs, signIn: signIn, mux: http.NewServeMux()}
	h.table = h.routeTable()
	for _, rt := range h.table {
		h.mux.Handle(rt.method+" "+rt.pattern, h.wrap(rt))
	}
	// Everything else under /api/ gets a JSON 404 or 405, never ServeMux's
	// plain-text answers.
	h.mux.HandleFunc("/api/", h.unrouted)
	return h
}

// Routes lists every method and pattern the API serves, in table order.
func (h *Handler) Routes() []Route {
	rs := make([]Route, len(h.table))
	for i, rt := range h.table {
		rs[i] = Route{Method: rt.method, Pattern: rt.pattern}
	}
	return rs
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// wrap turns a route's handler into an http.Handler: it asks for a viewer
// where one is needed and writes any error in the API's one error shape.
func (h *Handler) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.public && sharefair.ViewerFromContext(r.Context()) == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sharefair"`)
			server.WriteError(w, r, sharefair.Errorf(sharefair.EUNAUTHORIZED,
				"Please sign in: send Authorization: Bearer <token> (create one with POST /api/v1/tokens/password)."))
			return
		}
		if err := checkURL(r); err != nil {
			server.WriteError(w, r, err)
			return
		}
		if err := rt.ep.handle(w, r); err != nil {
			server.WriteError(w, r, err)
		}
	})
}

// checkURL refuses paths and query parameters that no stored value can
// match and that PostgreSQL would refuse to compare: invalid UTF-8 and NUL
// characters. Such a path names nothing (404); such a parameter is a bad
// request (400).
func checkURL(r *http.Request) error {
	if !cleanText(r.URL.Path) {
		return sharefair.Errorf(sharefair.ENOTFOUND, "Not found.")
	}
	for name, vs := range r.URL.Query() {
		for _, v := range vs {
			if !cleanText(name) || !cleanText(v) {
				return badRequest(strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), ""),
					"Query parameters must be valid UTF-8 text without NUL characters.")
			}
		}
	}
	return nil
}

// cleanText reports whether s is valid UTF-8 without NUL characters.
func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// probeMethods are the methods tried to tell a wrong method (405) from an
// unknown path (404).
var probeMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// unrouted answers requests no route matched: 405 with an Allow header when
// the path exists for other methods, 404 otherwise.
func (h *Handler) unrouted(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range probeMethods {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := h.mux.Handler(probe); pattern != "" && pattern != "/api/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		server.WriteError(w, r, sharefair.Errorf("method_not_allowed",
			"%s is not allowed here; use %s.", r.Method, strings.Join(allow, ", ")))
		return
	}
	server.WriteError(w, r, sharefair.Errorf(sharefair.ENOTFOUND,
		"There is no such API endpoint. The API is described at %s/openapi.json.", Prefix))
}

// render writes v as JSON.
func render(w http.ResponseWriter, status int, v any) error {
	server.WriteJSON(w, status, v)
	return nil
}

// noContent answers 204.
func noContent(w http.ResponseWriter) error {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// badRequest returns an EBADREQUEST error, naming field when it is known.
func badRequest(field, msg string) error {
	e := &sharefair.Error{Code: sharefair.EBADREQUEST, Message: msg}
	if field != "" {
		e.Fields = map[string]string{field: msg}
	}
	return e
}

// decode reads a JSON object from the request body into dst. The body must
// be declared as application/json, hold exactly one JSON object and name
// only fields dst has, each once and spelt exactly (encoding/json alone
// would take "Title" for "title" and keep the last of two "title"s).
func decode(r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return badRequest("", "Send the request body as JSON, with the header Content-Type: application/json.")
	}
	// The body is bounded (server.limitBody), so it can be read whole and
	// looked at twice.
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return server.BodyError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	// Anything after the object is a mistake, not something to ignore.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("", "The request body must hold one JSON object and nothing after it.")
	}
	return checkNames(raw, jsonNames(reflect.TypeOf(dst).Elem()))
}

// checkNames refuses a JSON object (already decoded without error) that
// gives a member twice, at any depth, or a top-level member whose name
// matches one of names only when case is ignored.
func checkNames(raw []byte, names map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	type object struct {
		seen   map[string]bool
		expect bool // the next token is a member name
	}
	var stack []*object // the objects and (as nil) arrays open
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return badRequest("", "The request body is not valid JSON.")
		}
		var top *object
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if name, ok := tok.(string); ok && top != nil && top.expect {
			if top.seen[name] {
				return badRequest(name, "Field "+strconv.Quote(name)+" is given more than once; give each field once.")
			}
			top.seen[name] = true
			if len(stack) == 1 && !names[name] {
				for n := range names {
					if strings.EqualFold(n, name) {
						return badRequest(name, "Unknown field "+strconv.Quote(name)+"; field names are case-sensitive: did you mean "+
							strconv.Quote(n)+"?")
					}
				}
			}
			top.expect = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &object{seen: map[string]bool{}})
		case json.Delim('['):
			stack = append(stack, nil)
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// After a value (or an object opening) inside an object comes a
		// name.
		if n := len(stack); n > 0 && stack[n-1] != nil {
			if d, ok := tok.(json.Delim); !ok || d == '{' || d == '}' || d == ']' {
				stack[n-1].expect = true
			}
		}
	}
}

// jsonNames are the JSON member names of a struct type, as encoding/json
// reads them (embedded structs' fields included).
func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return names
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			for n := range jsonNames(f.Type) {
				names[n] = true
			}
		case !f.IsExported():
		case name != "":
			names[name] = true
		default:
			names[f.Name] = true
		}
	}
	return names
}

// decodeError explains why a JSON body could not be decoded.
func decodeError(err error) error {
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return server.BodyError(err)
	case errors.Is(err, io.EOF):
		return badRequest("", "The request body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "The request body is not valid JSON: it ends too soon.")
	case errors.As(err, &syn):
		return badRequest("", "The request body is not valid JSON: "+strings.TrimPrefix(syn.Error(), "json: ")+
			" (at byte "+strconv.FormatInt(syn.Offset, 10)+").")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("", "The request body must be a JSON object, not "+article(typ.Value)+".")
		}
		return badRequest(typ.Field, "Field "+typ.Field+" must be "+jsonKind(typ.Type.String())+", not "+
			article(typ.Value)+".")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if uerr != nil {
			name = ""
		}
		return badRequest(name, "Unknown field "+strconv.Quote(name)+"; see "+Prefix+"/openapi.json for the fields this endpoint takes.")
	}
	return server.BodyError(err)
}

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return "an object"
}

// article puts "a" or "an" before a JSON value's description ("number 1.5").
func article(value string) string {
	if value == "" {
		return "that"
	}
	if strings.ContainsRune("aeiou", rune(value[0])) {
		return "an " + value
	}
	return "a " + value
}

// listJSON is one page of a list.
type listJSON[T any] struct {
	Items   []T `json:"items"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
	Pages   int `json:"pages"`
}

// newList builds a page of a list from items already converted.
func newList[T any](items []T, p sharefair.Page, total int) listJSON[T] {
	if items == nil {
		items = []T{}
	}
	return listJSON[T]{Items: items, Page: p.Number, PerPage: p.Size, Total: total,
		Pages: sharefair.PageCount(total, p.Size)}
}

// mapList converts items with fn and builds a page of a list.
func mapList[S, T any](items []S, fn func(S) T, p sharefair.Page, total int) listJSON[T] {
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = fn(it)
	}
	return newList(out, p, total)
}

// slicePage returns the page p of a list the service returns whole.
func slicePage[T any](all []T, p sharefair.Page) []T {
	start := min(p.Offset(), len(all))
	end := min(start+p.Size, len(all))
	return all[start:end]
}

// utc returns t in UTC, for RFC 3339 timestamps ending in Z.
func utc(t time.Time) time.Time { return t.UTC() }

// utcPtr returns *t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// nonNil returns s, or an empty slice for nil, so lists render as [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
