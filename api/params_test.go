package api_test

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// hostileValues are sent to every documented parameter: control
// characters, invalid text, the huge, the wrong type, the negative and the
// out of range, and unicode. The few that parse as ids (101, 1000001) are
// past any the sweep's small network holds, so no write lands on a real
// object.
var hostileValues = []string{
	"", "\x08", "\x00", "nul\x00inside", "\x1b[31m", "\r\n", "\x7f", "\u0085", "\xff", "\xc3\x28",
	strings.Repeat("a", 201), strings.Repeat("é", 5000), strings.Repeat("9", 100),
	"abc", "1.5", "1e3", "0x10", "true", "null", "[]", "{}", "1,2", " 1", "1 ",
	"0", "-1", "-0", "+0", "00", "-9223372036854775809", "9223372036854775808", "1000001", "101",
	"é", "日本語", "\u202eevil", "\ufeff", "🙂", "\u200b", "١٢", "a/b", "%", "_", "' OR 1=1 --",
}

// TestParamsHostile sends every hostile value to every query and path
// parameter of every operation in the document, one parameter at a time,
// the others at ordinary values. Every answer must have a status the
// operation documents and match the document (the client checks both).
func TestParamsHostile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var th threadJSON
		v.alice.post("/api/v1/threads", map[string]any{"title": "Sweep", "audience": "hub", "hub": "rome", "body": "Hello"}).ok(201, &th)
		var p postJSON
		v.alice.post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "A reply"}).ok(201, &p)
		var inv struct {
			URL string `json:"url"`
		}
		v.admin.post("/api/v1/invitations", map[string]any{"email": "sweep@example.org", "hub": "rome"}).ok(201, &inv)
		ordinary := map[string]string{
			"slug": "rome", "handle": "alice", "token": inv.URL[strings.LastIndex(inv.URL, "/")+1:],
			"page": "1", "per_page": "5",
		}
		idFor := func(pattern string) string {
			switch {
			case strings.HasPrefix(pattern, "/api/v1/posts/"):
				return strconv.FormatInt(p.ID, 10)
			case strings.HasPrefix(pattern, "/api/v1/threads/"):
				return strconv.FormatInt(th.ID, 10)
			}
			return "" // tokens and invitations: id is their only parameter
		}

		d, _ := loadDoc(t)
		type op struct{ method, pattern string }
		var ops []op
		for pattern, item := range d.Paths.Map() {
			for method := range item.Operations() {
				ops = append(ops, op{method, pattern})
			}
		}
		sort.Slice(ops, func(i, j int) bool { return ops[i].pattern+ops[i].method < ops[j].pattern+ops[j].method })

		var mu sync.Mutex
		seen := map[string]map[int]int{} // operation → status → count
		sent := 0
		// The parameters are swept in parallel (the group waits for them
		// all): most of the time is spent waiting on the database.
		t.Run("sweep", func(t *testing.T) {
			for _, o := range ops {
				operation := d.Paths.Value(o.pattern).GetOperation(o.method)
				for _, pref := range operation.Parameters {
					prm := pref.Value
					t.Run(o.method+" "+o.pattern+" "+prm.In+":"+prm.Name, func(t *testing.T) {
						t.Parallel()
						c := v.admin.as(t)
						for _, bad := range hostileValues {
							if bad == "" && prm.In == "path" {
								continue // an empty segment is no value: ServeMux redirects to the cleaned path
							}
							u := o.pattern
							query := url.Values{}
							for _, other := range operation.Parameters {
								name, val := other.Value.Name, ordinary[other.Value.Name]
								if name == "id" {
									val = idFor(o.pattern)
								}
								if other.Value == prm {
									val = bad
								}
								switch other.Value.In {
								case "path":
									u = strings.Replace(u, "{"+name+"}", url.PathEscape(val), 1)
								case "query":
									if other.Value == prm {
										query.Set(name, val)
									}
								}
							}
							if len(query) > 0 {
								u += "?" + query.Encode()
							}
							var body any
							if operation.RequestBody != nil {
								body = "{}"
							}
							r := c.do(o.method, u, body)
							mu.Lock()
							key := o.method + " " + o.pattern
							if seen[key] == nil {
								seen[key] = map[int]int{}
							}
							seen[key][r.Status]++
							sent++
							mu.Unlock()
						}
					})
				}
			}
		})
		t.Logf("%d requests; statuses by operation: %v", sent, seen)
		// The sweep reaches refusals of each kind.
		for key, status := range map[string]int{
			"GET /api/v1/members":                           422,
			"GET /api/v1/hubs/{slug}/members":               422,
			"GET /api/v1/threads":                           400,
			"GET /api/v1/threads/{id}":                      404,
			"DELETE /api/v1/tokens/{id}":                    404,
			"GET /api/v1/threads/{id}/posts":                400,
			"PUT /api/v1/hubs/{slug}/membership":            404,
			"POST /api/v1/join/{token}/accept":              404,
			"GET /api/v1/hubs/{slug}/threads":               200,
			"PATCH /api/v1/posts/{id}":                      404,
			"GET /api/v1/members/{handle}":                  404,
			"DELETE /api/v1/invitations/{id}":               404,
			"GET /api/v1/join/{token}":                      404,
			"GET /api/v1/hubs":                              400,
			"GET /api/v1/invitations":                       400,
			"PUT /api/v1/hubs/{slug}/coordinators/{handle}": 404,
		} {
			if seen[key][status] == 0 {
				t.Errorf("%s never answered %d: %v", key, status, seen[key])
			}
		}
	})
}

// TestDirectoryFilterRefused is the case an OpenAPI fuzzer found: a
// directory filter holding a control character is refused with 422 naming
// it, a status the document declares.
func TestDirectoryFilterRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		v.alice.get("/api/v1/members?expertise=%08").fails(422, sharefair.EINVALID, "expertise")
		v.alice.get("/api/v1/hubs/rome/members?q=%08").fails(422, sharefair.EINVALID, "q")
	})
}

// TestParamDefaults checks the defaults and bounds the document gives
// page sizes are those the API applies.
func TestParamDefaults(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var th threadJSON
		v.alice.post("/api/v1/threads", map[string]any{"title": "Pages", "body": "Hello"}).ok(201, &th)
		var l listOf[map[string]any]
		v.alice.get("/api/v1/threads").ok(200, &l)
		if l.PerPage != sharefair.DefaultPageSize || l.Page != 1 {
			t.Errorf("threads: page %d per_page %d, want 1 and %d", l.Page, l.PerPage, sharefair.DefaultPageSize)
		}
		v.alice.get(path("/api/v1/threads/%d/posts", th.ID)).ok(200, &l)
		if l.PerPage != sharefair.PostsPerPage {
			t.Errorf("posts: per_page %d, want %d", l.PerPage, sharefair.PostsPerPage)
		}
		v.alice.get(path("/api/v1/threads?per_page=%d", sharefair.MaxPageSize)).ok(200, &l)
		v.alice.get(path("/api/v1/threads?per_page=%d", sharefair.MaxPageSize+1)).fails(400, sharefair.EBADREQUEST, "per_page")
		v.alice.get("/api/v1/threads?page=1000000").ok(200, &l)
		v.alice.get("/api/v1/threads?page=1000001").fails(400, sharefair.EBADREQUEST, "page")
	})
}
