package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/api"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/server"
)

// forEachEngine runs fn on each engine as parallel subtests.
func forEachEngine(t *testing.T, fn func(t *testing.T, e testutil.Engine)) {
	t.Helper()
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

// env is a running Sharefair with a cast: an admin, alice (a member of the
// Rome hub) and bob (in no hub), each with a client.
type env struct {
	s                 *testutil.Server
	admin, alice, bob *client
	anon              *client
	aliceM, bobM      *sharefair.Member
	rome              *sharefair.Hub
}

func newEnv(t *testing.T, e testutil.Engine, opts ...testutil.ServerOption) *env {
	t.Helper()
	s := testutil.NewServer(t, e, opts...)
	v := &env{s: s}
	v.aliceM = testutil.MustCreateMember(t, s.DB, "alice", sharefair.RoleMember)
	v.bobM = testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
	v.rome = testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
	testutil.MustJoin(t, s.DB, v.aliceM, v.rome)
	v.admin = newClient(t, s, s.Token(t, s.Admin))
	v.alice = newClient(t, s, s.Token(t, v.aliceM))
	v.bob = newClient(t, s, s.Token(t, v.bobM))
	v.anon = newClient(t, s, "")
	return v
}

// client calls the API as one member (or nobody) and checks every answer
// against openapi.json.
type client struct {
	t        *testing.T
	base     string
	token    string
	http     *http.Client
	validate bool
}

func newClient(t *testing.T, s *testutil.Server, token string) *client {
	return &client{t: t, base: s.URL, token: token, http: s.Client(), validate: true}
}

// as returns a copy of c that reports failures to t.
func (c *client) as(t *testing.T) *client {
	cc := *c
	cc.t = t
	return &cc
}

// response is an answer from the API.
type response struct {
	t      *testing.T
	req    string
	Status int
	Header http.Header
	Body   []byte
}

// do sends body (marshalled as JSON unless it is a string or []byte) with
// Content-Type application/json.
func (c *client) do(method, path string, body any) *response {
	c.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.t.Fatalf("marshal: %v", err)
		}
	}
	ct := ""
	if body != nil {
		ct = "application/json"
	}
	return c.raw(method, path, ct, raw)
}

// raw sends a body with the given Content-Type ("" for none).
func (c *client) raw(method, path, contentType string, body []byte) *response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.send(req)
}

// send sends a request as it is.
func (c *client) send(req *http.Request) *response {
	c.t.Helper()
	method, path := req.Method, req.URL.RequestURI()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	r := &response{t: c.t, req: method + " " + path, Status: res.StatusCode, Header: res.Header, Body: b}
	if r.Status >= 500 {
		c.t.Errorf("%s: status %d: %s", r.req, r.Status, b)
	}
	if c.validate {
		validateResponse(c.t, req, r)
	}
	return r
}

// get, post, patch, put and del are shorthands.
func (c *client) get(path string) *response { c.t.Helper(); return c.do("GET", path, nil) }
func (c *client) post(path string, body any) *response {
	c.t.Helper()
	return c.do("POST", path, body)
}
func (c *client) patch(path string, body any) *response {
	c.t.Helper()
	return c.do("PATCH", path, body)
}
func (c *client) put(path string) *response { c.t.Helper(); return c.do("PUT", path, nil) }
func (c *client) del(path string) *response { c.t.Helper(); return c.do("DELETE", path, nil) }

// ok fails unless the status is want, and decodes the body into v.
func (r *response) ok(want int, v any) *response {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("%s: status %d, want %d: %s", r.req, r.Status, want, r.Body)
	}
	if v != nil {
		if err := json.Unmarshal(r.Body, v); err != nil {
			r.t.Fatalf("%s: decode %s: %v", r.req, r.Body, err)
		}
	}
	return r
}

// decodeBody decodes a JSON answer; safe to call from any goroutine.
func decodeBody(t *testing.T, res *http.Response, v any) {
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Errorf("decode: %v", err)
	}
}

// errorDetail decodes the error in the answer.
func (r *response) errorDetail() server.ErrorDetail {
	r.t.Helper()
	var b server.ErrorBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		r.t.Fatalf("%s: status %d, body is not a JSON error: %v: %q", r.req, r.Status, err, r.Body)
	}
	return b.Error
}

// fails checks an error answer: its status, code and (when field is not
// empty) the field it names, with a message for it.
func (r *response) fails(status int, code, field string) server.ErrorDetail {
	r.t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Fatalf("%s: Content-Type %q, want JSON: %s", r.req, ct, r.Body)
	}
	d := r.errorDetail()
	if r.Status != status || d.Status != status || d.Code != code {
		r.t.Fatalf("%s: status %d (body %d) code %q, want %d %q: %s", r.req, r.Status, d.Status, d.Code, status, code, r.Body)
	}
	if d.Message == "" {
		r.t.Fatalf("%s: error without a message: %s", r.req, r.Body)
	}
	if field != "" && (d.Field != field || d.Fields[field] == "") {
		r.t.Fatalf("%s: field %q (fields %v), want %q: %s", r.req, d.Field, d.Fields, field, r.Body)
	}
	return d
}

// The OpenAPI document the code generates, loaded once for all tests
// (TestOpenAPIGenerated checks the committed file is the same).
var (
	docOnce   sync.Once
	doc       *openapi3.T
	docRouter routers.Router
	docErr    error
)

func loadDoc(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	docOnce.Do(func() {
		var generated []byte
		if generated, docErr = api.GenerateOpenAPI(); docErr != nil {
			return
		}
		doc, docErr = openapi3.NewLoader().LoadFromData(generated)
		if docErr != nil {
			return
		}
		if docErr = doc.Validate(context.Background()); docErr != nil {
			return
		}
		docRouter, docErr = legacy.NewRouter(doc)
	})
	if docErr != nil {
		t.Fatalf("openapi.json: %v", docErr)
	}
	return doc, docRouter
}

// validateResponse checks an answer against openapi.json.
func validateResponse(t *testing.T, req *http.Request, r *response) {
	t.Helper()
	if err := responseMismatch(t, req, r.Status, r.Header, r.Body); err != nil {
		t.Errorf("%s: %d answer does not match openapi.json: %v\nbody: %s", r.req, r.Status, err, r.Body)
	}
}

// responseMismatch says how an answer disagrees with openapi.json: its
// status must be documented for the operation and its body must match the
// schema. Answers to paths the document lacks must be 404 or 405, in the
// Error shape.
func responseMismatch(t testing.TB, req *http.Request, status int, header http.Header, body []byte) error {
	d, router := loadDoc(t)
	route, params, err := router.FindRoute(req)
	if err == nil && strings.HasSuffix(req.URL.Path, "/") {
		// The router forgives a trailing slash; ServeMux does not, and no
		// path of the document ends with one.
		err = errors.New("no path of the document ends with a slash")
	}
	if err != nil {
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("answered %d but is not in openapi.json: %w", status, err)
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return fmt.Errorf("body is not JSON: %w", err)
		}
		return d.Components.Schemas["Error"].Value.VisitJSON(v)
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// Decoded shapes the tests read.
type (
	refJSON struct {
		Handle string `json:"handle"`
		Name   string `json:"name"`
	}
	authorJSON struct {
		Handle       string `json:"handle"`
		Name         string `json:"name"`
		Organisation string `json:"organisation"`
	}
	hubRefJSON struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	threadJSON struct {
		ID       int64  `json:"id"`
		Title    string `json:"title"`
		Audience struct {
			Kind string      `json:"kind"`
			Hub  *hubRefJSON `json:"hub"`
		} `json:"audience"`
		Author         *authorJSON `json:"author"`
		ChathamHouse   bool        `json:"chatham_house"`
		CreatedAt      time.Time   `json:"created_at"`
		LastActivityAt time.Time   `json:"last_activity_at"`
		PostCount      int         `json:"post_count"`
		ReplyCount     int         `json:"reply_count"`
		Withdrawn      bool        `json:"withdrawn"`
		Locked         bool        `json:"locked"`
		URL            string      `json:"url"`
	}
	postJSON struct {
		ID          int64       `json:"id"`
		ThreadID    int64       `json:"thread_id"`
		Author      *authorJSON `json:"author"`
		Attribution string      `json:"attribution"`
		Pseudonym   *string     `json:"pseudonym"`
		Body        string      `json:"body"`
		HTML        string      `json:"html"`
		CreatedAt   time.Time   `json:"created_at"`
		EditedAt    *time.Time  `json:"edited_at"`
		Mine        bool        `json:"mine"`
		Withdrawn   bool        `json:"withdrawn"`
		Hidden      bool        `json:"hidden"`
		// HiddenReason is for the author and moderators of a hidden post.
		HiddenReason *string `json:"hidden_reason"`
		Flagged      bool    `json:"flagged"`
		Revealed     *struct {
			At     time.Time `json:"at"`
			Reason string    `json:"reason"`
		} `json:"revealed"`
	}
	memberJSON struct {
		ID           int64    `json:"id"`
		Handle       string   `json:"handle"`
		Name         string   `json:"name"`
		Email        *string  `json:"email"`
		Organisation string   `json:"organisation"`
		Title        string   `json:"title"`
		City         string   `json:"city"`
		Country      string   `json:"country"`
		TimeZone     string   `json:"time_zone"`
		Languages    []string `json:"languages"`
		Expertise    []string `json:"expertise"`
		Bio          string   `json:"bio"`
		Role         string   `json:"role"`
		Hubs         []struct {
			Slug string `json:"slug"`
			Role string `json:"role"`
		} `json:"hubs"`
		RecentThreads []threadJSON `json:"recent_threads"`
	}
	hubJSON struct {
		ID           int64     `json:"id"`
		Slug         string    `json:"slug"`
		Name         string    `json:"name"`
		Description  string    `json:"description"`
		MemberCount  int       `json:"member_count"`
		ViewerRole   *string   `json:"viewer_role"`
		Coordinators []refJSON `json:"coordinators"`
		// Hub details and join policy.
		DescriptionHTML string `json:"description_html"`
		City            string `json:"city"`
		TimeZone        string `json:"time_zone"`
		JoinPolicy      string `json:"join_policy"`
		ViewerRequested bool   `json:"viewer_requested"`
		PendingRequests *int   `json:"pending_requests"`
	}
	tokenJSON struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Hint string `json:"hint"`
	}
	createdTokenJSON struct {
		Token  tokenJSON `json:"token"`
		Secret string    `json:"secret"`
	}
	invitationJSON struct {
		ID        int64       `json:"id"`
		Email     *string     `json:"email"`
		Hub       *hubRefJSON `json:"hub"`
		InvitedBy refJSON     `json:"invited_by"`
		Status    string      `json:"status"`
	}
	newMemberJSON struct {
		Member memberJSON `json:"member"`
		Token  tokenJSON  `json:"token"`
		Secret string     `json:"secret"`
	}
)

// listOf is one page of a list.
type listOf[T any] struct {
	Items   []T `json:"items"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
	Pages   int `json:"pages"`
}

// path formats a request path.
func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }
