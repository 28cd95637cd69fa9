package api_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

// publicRoutes are the routes that need no token.
var publicRoutes = map[string]bool{
	"GET /api/v1/health":                  true,
	"GET /api/v1/openapi.json":            true,
	"GET /api/v1/setup":                   true,
	"POST /api/v1/setup":                  true,
	"POST /api/v1/tokens/password":        true,
	"GET /api/v1/join/{token}":            true,
	"POST /api/v1/join/{token}/accept":    true,
	"POST /api/v1/password-reset":         true,
	"POST /api/v1/password-reset/request": true,
	"POST /api/v1/email-change":           true,
}

// samplePath fills a route pattern's wildcards with plausible values.
func samplePath(pattern string) string {
	return strings.NewReplacer("{id}", "1", "{slug}", "rome", "{handle}", "alice", "{token}", "not-a-token").Replace(pattern)
}

func TestAuthRequired(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		bad := newClient(t, v.s, "sf_not-a-real-token")
		for _, r := range routeTable() {
			key := r.Method + " " + r.Pattern
			t.Run(key, func(t *testing.T) {
				var body any
				if r.Method == "POST" || r.Method == "PATCH" {
					body = map[string]any{}
				}
				res := v.anon.as(t).do(r.Method, samplePath(r.Pattern), body)
				if publicRoutes[key] {
					if res.Status == http.StatusUnauthorized {
						t.Fatalf("public route answered 401: %s", res.Body)
					}
					return
				}
				res.fails(http.StatusUnauthorized, "unauthorized", "")
				if res.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
				bad.as(t).do(r.Method, samplePath(r.Pattern), body).fails(http.StatusUnauthorized, "unauthorized", "")
			})
		}
		t.Run("PublicWithoutToken", func(t *testing.T) {
			anon := v.anon.as(t)
			anon.get("/api/v1/health").ok(200, nil)
			anon.get("/api/v1/openapi.json").ok(200, nil)
			var st struct {
				SetUp bool `json:"set_up"`
			}
			anon.get("/api/v1/setup").ok(200, &st)
			if !st.SetUp {
				t.Errorf("setup status = %+v", st)
			}
			anon.get("/api/v1/join/nope").fails(404, "not_found", "")
		})
		t.Run("SessionCookie", func(t *testing.T) {
			// Browsers signed in to the web pages may call the API too.
			c := newClient(t, v.s, "")
			c.http = v.s.Browser(t, v.aliceM)
			var m memberJSON
			c.get("/api/v1/me").ok(200, &m)
			if m.Handle != "alice" {
				t.Fatalf("me = %+v", m)
			}
		})
	})
}

func TestErrors(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		okThread := `{"title":"A title","body":"A body"}`
		for _, c := range []struct {
			name        string
			method      string
			path        string
			contentType string
			body        string
			status      int
			code        string
			field       string
		}{
			{"ErrMalformedJSON", "POST", "/api/v1/threads", "application/json", `{"title":`, 400, "bad_request", ""},
			{"ErrSyntax", "POST", "/api/v1/threads", "application/json", `{"title" "x"}`, 400, "bad_request", ""},
			{"ErrWrongType", "POST", "/api/v1/threads", "application/json", `{"title":5,"body":"x"}`, 400, "bad_request", "title"},
			{"ErrWrongTypeArray", "PATCH", "/api/v1/me", "application/json", `{"languages":"en"}`, 400, "bad_request", "languages"},
			{"ErrWrongTypeElement", "PATCH", "/api/v1/me", "application/json", `{"expertise":[1]}`, 400, "bad_request", "expertise"},
			{"ErrUnknownField", "POST", "/api/v1/threads", "application/json", `{"title":"x","body":"y","colour":"red"}`, 400, "bad_request", "colour"},
			{"ErrNotAnObject", "POST", "/api/v1/threads", "application/json", `["title"]`, 400, "bad_request", ""},
			{"ErrEmptyBody", "POST", "/api/v1/threads", "application/json", ``, 400, "bad_request", ""},
			{"ErrTrailingData", "POST", "/api/v1/threads", "application/json", okThread + ` {}`, 400, "bad_request", ""},
			{"ErrNoContentType", "POST", "/api/v1/threads", "", okThread, 400, "bad_request", ""},
			{"ErrWrongContentType", "POST", "/api/v1/threads", "text/plain", okThread, 400, "bad_request", ""},
			{"ErrFormContentType", "POST", "/api/v1/threads", "application/x-www-form-urlencoded", "title=x&body=y", 400, "bad_request", ""},
			{"OKCharset", "POST", "/api/v1/threads", "application/json; charset=utf-8", okThread, 201, "", ""},
			{"ErrTitleRequired", "POST", "/api/v1/threads", "application/json", `{"title":"  ","body":"x"}`, 422, "invalid", "title"},
			{"ErrNull", "POST", "/api/v1/threads", "application/json", `null`, 422, "invalid", "body"},
			{"ErrUnknownRoute", "GET", "/api/v1/nothing", "", "", 404, "not_found", ""},
			{"ErrUnknownVersion", "GET", "/api/v2/threads", "", "", 404, "not_found", ""},
			{"ErrTrailingSlash", "GET", "/api/v1/threads/", "", "", 404, "not_found", ""},
			{"ErrIDNotANumber", "GET", "/api/v1/threads/abc", "", "", 404, "not_found", ""},
			{"ErrIDNegative", "GET", "/api/v1/posts/-1", "", "", 404, "not_found", ""},
			{"ErrIDZero", "GET", "/api/v1/posts/0", "", "", 404, "not_found", ""},
			{"ErrIDOverflow", "GET", "/api/v1/threads/99999999999999999999", "", "", 404, "not_found", ""},
			{"ErrIDNotANumberPatch", "PATCH", "/api/v1/posts/x1", "application/json", `{"body":"x"}`, 404, "not_found", ""},
			{"ErrTokenIDNotANumber", "DELETE", "/api/v1/tokens/abc", "", "", 404, "not_found", ""},
			{"ErrUnknownThread", "GET", "/api/v1/threads/987654", "", "", 404, "not_found", ""},
			{"ErrPage", "GET", "/api/v1/threads?page=x", "", "", 400, "bad_request", "page"},
			{"ErrPageZero", "GET", "/api/v1/members?page=0", "", "", 400, "bad_request", "page"},
			{"ErrPerPage", "GET", "/api/v1/threads?per_page=101", "", "", 400, "bad_request", "per_page"},
			{"ErrConflict", "POST", "/api/v1/hubs", "application/json", `{"name":"Rome"}`, 409, "conflict", "slug"},
		} {
			t.Run(c.name, func(t *testing.T) {
				client := v.alice
				if c.name == "ErrConflict" {
					client = v.admin
				}
				var body []byte
				if c.body != "" || c.contentType != "" {
					body = []byte(c.body)
				}
				res := client.as(t).raw(c.method, c.path, c.contentType, body)
				if c.code == "" {
					res.ok(c.status, nil)
					return
				}
				res.fails(c.status, c.code, c.field)
			})
		}

		t.Run("ErrMethodNotAllowed", func(t *testing.T) {
			for _, c := range []struct{ method, path, allow string }{
				{"DELETE", "/api/v1/threads", "GET, HEAD, POST"},
				{"PUT", "/api/v1/threads/1", "GET, HEAD, PATCH"},
				{"POST", "/api/v1/me", "GET, HEAD, PATCH, DELETE"},
				{"GET", "/api/v1/hubs/rome/membership", "PUT, DELETE"},
				{"DELETE", "/api/v1/health", "GET, HEAD"},
			} {
				res := v.alice.as(t).do(c.method, c.path, nil)
				res.fails(http.StatusMethodNotAllowed, "method_not_allowed", "")
				if got := res.Header.Get("Allow"); got != c.allow {
					t.Errorf("%s %s: Allow = %q, want %q", c.method, c.path, got, c.allow)
				}
			}
		})

		t.Run("ErrTooLarge", func(t *testing.T) {
			big := `{"title":"x","body":"` + strings.Repeat("a", 2<<20) + `"}`
			// Declared length: refused before reading.
			v.alice.as(t).raw("POST", "/api/v1/threads", "application/json", []byte(big)).fails(413, "too_large", "")
			// Unknown length: refused while reading.
			req, _ := http.NewRequest("POST", v.s.URL+"/api/v1/threads", io.MultiReader(strings.NewReader(big)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+v.alice.token)
			res, err := v.s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != 413 || !bytes.Contains(b, []byte(`"too_large"`)) {
				t.Fatalf("chunked: %d %s", res.StatusCode, b)
			}
		})

		t.Run("ErrValidationFields", func(t *testing.T) {
			d := v.alice.as(t).post("/api/v1/threads", map[string]any{"title": "", "body": "", "audience": "moon"}).
				fails(422, "invalid", "audience")
			for _, f := range []string{"audience", "body", "title"} {
				if d.Fields[f] == "" {
					t.Errorf("no message for %s: %+v", f, d)
				}
			}
		})

		// Paths and query strings no value can match (invalid UTF-8, NUL)
		// are 404 and 400, never a database error.
		t.Run("HostileURLs", func(t *testing.T) {
			for _, c := range []struct {
				method, path string
				status       int
				field        string
			}{
				{"GET", "/api/v1/members?q=%00", 400, "q"},
				{"GET", "/api/v1/members?q=%FF", 400, "q"},
				{"GET", "/api/v1/members?hub=%FF", 400, "hub"},
				{"GET", "/api/v1/members?organisation=a%00b", 400, "organisation"},
				{"GET", "/api/v1/threads?hub=%00", 400, "hub"},
				{"GET", "/api/v1/threads?page=9223372036854775807", 400, "page"},
				{"GET", "/api/v1/hubs/%FF", 404, ""},
				{"GET", "/api/v1/hubs/%00", 404, ""},
				{"GET", "/api/v1/hubs/%FF/threads", 404, ""},
				{"PUT", "/api/v1/hubs/%00/membership", 404, ""},
				{"PUT", "/api/v1/hubs/rome/coordinators/%00", 404, ""},
				{"GET", "/api/v1/members/%00", 404, ""},
				{"GET", "/api/v1/join/%00", 404, ""},
				{"GET", "/api/v1/join/%FF", 404, ""},
			} {
				code := "not_found"
				if c.status == 400 {
					code = "bad_request"
				}
				v.admin.as(t).do(c.method, c.path, nil).fails(c.status, code, c.field)
			}
			v.anon.as(t).post("/api/v1/tokens/password", map[string]any{"email": "alice@example.org\x00", "password": "x", "name": "x"}).
				fails(401, "unauthorized", "")
		})

		// Whatever a client sends, the answer is never a 500 (the client
		// fails the test on any 5xx).
		t.Run("MalformedNeverInternal", func(t *testing.T) {
			bodies := []string{"{", "[", "]", "null", "true", "1", `"s"`, `{"a":`, "\x00", "\xff\xfe", `{"title":{}}`,
				`{"body":[]}`, `{"name":1e999}`, `{"languages":[null]}`, `{"email":"\ud800"}`, `{"hub":true}`,
				strings.Repeat("[", 100000) + strings.Repeat("]", 100000), `{"title":"` + "\xc3\x28" + `"}`,
				`{"title":"a","title":"b","body":"c"}`}
			c := v.alice.as(t)
			c.validate = false
			for _, r := range routeTable() {
				if r.Method != "POST" && r.Method != "PATCH" {
					continue
				}
				for _, b := range bodies {
					res := c.raw(r.Method, samplePath(r.Pattern), "application/json", []byte(b))
					if res.Status >= 500 {
						t.Errorf("%s %q: %d", r.Method+" "+r.Pattern, b, res.Status)
					}
				}
			}
		})
	})
}
