// Package api serves Sharefair's JSON API under /api/v1: thin handlers that
// parse a request, call one of the sharefair services and render the result.
// Access control lives in the services; the API never filters what they
// return. Every route is listed once, in routeTable, which both registers
// the handlers and is checked against openapi.json by the tests.
package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
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

// Route is one method and path pattern the API answers, in net/http
// ServeMux syntax (e.g. "/api/v1/threads/{id}").
type Route struct {
	Method  string // GET, POST, PUT, PATCH or DELETE
	Pattern string // the full path, wildcards in braces
}

// route is an entry of the route table.
type route struct {
	method  string
	pattern string
	public  bool // served without a signed-in viewer
	handle  func(w http.ResponseWriter, r *http.Request) error
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

// routeTable is the one list of the API's routes.
func (h *Handler) routeTable() []route {
	const p = Prefix
	return []route{
		{"GET", p + "/health", true, h.getHealth},
		{"GET", p + "/openapi.json", true, h.getOpenAPI},

		{"GET", p + "/setup", true, h.getSetup},
		{"POST", p + "/setup", true, h.postSetup},
		{"GET", p + "/network", false, h.getNetwork},
		{"PATCH", p + "/network", false, h.patchNetwork},

		{"POST", p + "/tokens/password", true, h.postPasswordToken},
		{"GET", p + "/tokens", false, h.listTokens},
		{"POST", p + "/tokens", false, h.postToken},
		{"DELETE", p + "/tokens/{id}", false, h.deleteToken},

		{"GET", p + "/me", false, h.getMe},
		{"PATCH", p + "/me", false, h.patchMe},
		{"POST", p + "/me/password", false, h.postPassword},
		{"GET", p + "/me/sessions", false, h.listSessions},
		{"DELETE", p + "/me/sessions/{ref}", false, h.deleteSession},
		{"GET", p + "/members", false, h.listMembers},
		{"GET", p + "/members/{handle}", false, h.getMember},
		{"GET", p + "/directory/facets", false, h.getFacets},

		{"GET", p + "/hubs", false, h.listHubs},
		{"POST", p + "/hubs", false, h.postHub},
		{"GET", p + "/hubs/{slug}", false, h.getHub},
		{"PATCH", p + "/hubs/{slug}", false, h.patchHub},
		{"PUT", p + "/hubs/{slug}/membership", false, h.joinHub},
		{"DELETE", p + "/hubs/{slug}/membership", false, h.leaveHub},
		{"GET", p + "/hubs/{slug}/members", false, h.listHubMembers},
		{"GET", p + "/hubs/{slug}/threads", false, h.listHubThreads},
		{"PUT", p + "/hubs/{slug}/coordinators/{handle}", false, h.putCoordinator},
		{"DELETE", p + "/hubs/{slug}/coordinators/{handle}", false, h.deleteCoordinator},

		{"GET", p + "/invitations", false, h.listInvitations},
		{"POST", p + "/invitations", false, h.postInvitation},
		{"DELETE", p + "/invitations/{id}", false, h.deleteInvitation},
		{"GET", p + "/join/{token}", true, h.getJoin},
		{"POST", p + "/join/{token}/accept", true, h.postJoinAccept},

		{"GET", p + "/threads", false, h.listThreads},
		{"POST", p + "/threads", false, h.postThread},
		{"GET", p + "/threads/{id}", false, h.getThread},
		{"PATCH", p + "/threads/{id}", false, h.patchThread},
		{"GET", p + "/threads/{id}/posts", false, h.listPosts},
		{"POST", p + "/threads/{id}/posts", false, h.postPost},
		{"GET", p + "/posts/{id}", false, h.getPost},
		{"PATCH", p + "/posts/{id}", false, h.patchPost},
	}
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
		if err := rt.handle(w, r); err != nil {
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
// only fields dst has.
func decode(r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return badRequest("", "Send the request body as JSON, with the header Content-Type: application/json.")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	// Anything after the object is a mistake, not something to ignore.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return server.BodyError(err)
		}
		return badRequest("", "The request body must hold one JSON object and nothing after it.")
	}
	return nil
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

// pathID reads a numeric id from the path. Anything that is not a positive
// number names nothing that exists: not found.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, sharefair.ErrNotFound(what)
	}
	return id, nil
}

// maxPage bounds page numbers, so that offsets stay far from overflowing.
const maxPage = 1_000_000

// pageParams reads ?page= and ?per_page=.
func pageParams(r *http.Request, defaultSize int) (sharefair.Page, error) {
	p := sharefair.Page{Number: 1, Size: defaultSize}
	q := r.URL.Query()
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			return p, badRequest("page", "page must be a whole number from 1 to "+strconv.Itoa(maxPage)+".")
		}
		p.Number = n
	}
	if s := q.Get("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > sharefair.MaxPageSize {
			return p, badRequest("per_page", "per_page must be a whole number from 1 to "+
				strconv.Itoa(sharefair.MaxPageSize)+".")
		}
		p.Size = n
	}
	return p, nil
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
