package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/api"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/server"
)

func routeTable() []api.Route {
	u, _ := url.Parse("http://sharefair.test")
	return api.New(server.Config{BaseURL: u}, sharefair.Services{}, nil).Routes()
}

// TestOpenAPIMatchesRoutes checks the route table and the document against
// each other, both ways.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	d, _ := loadDoc(t)
	registered := map[string]bool{}
	for _, r := range routeTable() {
		key := r.Method + " " + r.Pattern
		if registered[key] {
			t.Errorf("route %s registered twice", key)
		}
		registered[key] = true
	}
	documented := map[string]bool{}
	for path, item := range d.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, k := range missing {
		t.Errorf("route %s is registered but not in openapi.json", k)
	}
	for _, k := range extra {
		t.Errorf("openapi.json describes %s, which is not registered", k)
	}
	if len(registered) < 30 {
		t.Errorf("only %d routes registered", len(registered))
	}
}

// TestOpenAPIValid loads and validates the document with kin-openapi, and
// checks every operation documents its errors.
func TestOpenAPIValid(t *testing.T) {
	d, _ := loadDoc(t) // LoadFromData + Validate
	for path, item := range d.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s %s: operationId and summary are required", method, path)
			}
			public := op.Security != nil && len(*op.Security) == 0
			if !public && op.Responses.Status(401) == nil {
				t.Errorf("%s %s: needs a token but documents no 401", method, path)
			}
			if op.RequestBody != nil {
				for _, code := range []int{400, 413} {
					if op.Responses.Status(code) == nil {
						t.Errorf("%s %s: takes a body but documents no %d", method, path, code)
					}
				}
			}
		}
	}
	for name, s := range d.Components.Schemas {
		if s.Value.Type.Is("object") && s.Value.AdditionalProperties.Has != nil && *s.Value.AdditionalProperties.Has {
			t.Errorf("schema %s allows undocumented properties", name)
		}
	}
}

// TestOpenAPIServed checks the document is served without a token.
func TestOpenAPIServed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		s := testutil.NewServer(t, e)
		r := newClient(t, s, "").get("/api/v1/openapi.json").ok(200, nil)
		if !bytes.Equal(r.Body, api.OpenAPI) {
			t.Fatalf("served document differs from the embedded one")
		}
	})
}

// TestOpenAPIResponses makes real requests for one of each kind of object
// and error and validates the answers against the document (the client
// validates every answer; this test makes sure each kind is seen).
func TestOpenAPIResponses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		var th threadJSON
		v.alice.post("/api/v1/threads", map[string]any{"title": "Sample", "audience": "hub", "hub": "rome", "body": "Hello *Rome*"}).ok(201, &th)
		var p postJSON
		v.alice.post(path("/api/v1/threads/%d/posts", th.ID), map[string]any{"body": "A reply"}).ok(201, &p)
		v.alice.patch(path("/api/v1/posts/%d", p.ID), map[string]any{"body": "An edited reply"}).ok(200, nil)

		for _, c := range []struct {
			name   string
			client *client
			method string
			path   string
			body   any
			status int
		}{
			{"ThreadList", v.alice, "GET", "/api/v1/threads", nil, 200},
			{"Thread", v.alice, "GET", path("/api/v1/threads/%d", th.ID), nil, 200},
			{"PostList", v.alice, "GET", path("/api/v1/threads/%d/posts", th.ID), nil, 200},
			{"Post", v.alice, "GET", path("/api/v1/posts/%d", p.ID), nil, 200},
			{"Me", v.alice, "GET", "/api/v1/me", nil, 200},
			{"Profile", v.admin, "GET", "/api/v1/members/alice", nil, 200},
			{"MemberList", v.alice, "GET", "/api/v1/members", nil, 200},
			{"Facets", v.alice, "GET", "/api/v1/directory/facets", nil, 200},
			{"HubList", v.alice, "GET", "/api/v1/hubs", nil, 200},
			{"HubDetail", v.alice, "GET", "/api/v1/hubs/rome", nil, 200},
			{"CreatedInvitation", v.admin, "POST", "/api/v1/invitations", map[string]any{"email": "new@example.org", "hub": "rome"}, 201},
			{"InvitationList", v.admin, "GET", "/api/v1/invitations", nil, 200},
			{"TokenList", v.alice, "GET", "/api/v1/tokens", nil, 200},
			{"Network", v.alice, "GET", "/api/v1/network", nil, 200},
			{"Health", v.anon, "GET", "/api/v1/health", nil, 200},
			{"SetupStatus", v.anon, "GET", "/api/v1/setup", nil, 200},
			{"Error422", v.alice, "POST", "/api/v1/threads", map[string]any{"title": " ", "body": "x"}, 422},
			{"Error404", v.bob, "GET", path("/api/v1/threads/%d", th.ID), nil, 404},
			{"Error404Route", v.bob, "GET", "/api/v1/nothing-here", nil, 404},
			{"Error401", v.anon, "GET", "/api/v1/me", nil, 401},
			{"Error400", v.alice, "POST", "/api/v1/threads", "{", 400},
			{"Error405", v.alice, "PUT", "/api/v1/me", nil, 405},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := c.client.as(t).do(c.method, c.path, c.body)
				if r.Status != c.status {
					t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
				}
			})
		}
	})
}

// TestOpenAPIValidatorBites makes sure the response check is not vacuous:
// an answer that breaks the schema, or a status the operation does not
// document, is caught.
func TestOpenAPIValidatorBites(t *testing.T) {
	for _, c := range []struct {
		name   string
		method string
		status int
		body   string
	}{
		{"WrongType", "GET", 200, `{"id":"one"}`},
		{"ExtraField", "GET", 404, `{"error":{"status":404,"code":"not_found","message":"x","secret":1}}`},
		{"UndocumentedStatus", "GET", 409, `{"error":{"status":409,"code":"conflict","message":"x"}}`},
		{"UnknownRouteNotAnError", "PUT", 405, `{"oops":true}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, "http://sharefair.test/api/v1/threads/1", nil)
			h := http.Header{"Content-Type": {"application/json"}}
			if responseMismatch(t, req, c.status, h, []byte(c.body)) == nil {
				t.Fatalf("a %d answer %s passed validation", c.status, c.body)
			}
		})
	}
}

// TestOpenAPIGenerated checks that the committed document is the one the
// code generates, so that every change of the contract shows in review.
func TestOpenAPIGenerated(t *testing.T) {
	generated, err := api.GenerateOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(generated, api.OpenAPI) {
		a, b := strings.Split(string(api.OpenAPI), "\n"), strings.Split(string(generated), "\n")
		line := 0
		for line < len(a) && line < len(b) && a[line] == b[line] {
			line++
		}
		t.Fatalf("api/openapi.json is not what the code generates (first difference at line %d); "+
			"regenerate with `go run ./cmd/sharefair openapi > api/openapi.json`", line+1)
	}
	if bytes.Contains(generated, []byte(`"$schema"`)) {
		t.Errorf("the document mentions $schema")
	}
}
