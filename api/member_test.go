package api_test

import (
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

// meFixture fills in alice's profile on v by the request Patch checks.
func meFixture(t *testing.T, v *env) {
	t.Helper()
	v.alice.as(t).patch("/api/v1/me", map[string]any{
		"name": " Alice Aho ", "organisation": "FAO", "title": "KM officer", "city": "Rome", "country": "it",
		"time_zone": "Europe/Rome", "languages": []string{"EN", "it", "en"}, "expertise": []string{"After-Action  Reviews", "storytelling"},
		"bio": "Line one\r\nLine two",
	}).ok(200, nil)
}

func TestMe(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// The subtests that change alice's profile and read it back fill
		// it in first (meFixture), whatever another subtest left in it.
		v := newEnv(t, e)
		t.Run("Get", func(t *testing.T) {
			var m memberJSON
			v.alice.as(t).get("/api/v1/me").ok(200, &m)
			if m.Handle != "alice" || m.Email == nil || *m.Email != "alice@example.org" || m.Role != "member" ||
				len(m.Hubs) != 1 || m.Hubs[0].Slug != "rome" || m.Hubs[0].Role != "member" || m.Languages == nil {
				t.Fatalf("me = %+v", m)
			}
		})
		t.Run("Patch", func(t *testing.T) {
			var m memberJSON
			v.alice.as(t).patch("/api/v1/me", map[string]any{
				"name": " Alice Aho ", "organisation": "FAO", "title": "KM officer", "city": "Rome", "country": "it",
				"time_zone": "Europe/Rome", "languages": []string{"EN", "it", "en"}, "expertise": []string{"After-Action  Reviews", "storytelling"},
				"bio": "Line one\r\nLine two",
			}).ok(200, &m)
			if m.Name != "Alice Aho" || m.Organisation != "FAO" || m.Country != "IT" || m.TimeZone != "Europe/Rome" ||
				strings.Join(m.Languages, ",") != "en,it" || strings.Join(m.Expertise, ",") != "after-action reviews,storytelling" ||
				m.Bio != "Line one\nLine two" || m.Email == nil {
				t.Fatalf("me = %+v", m)
			}
		})
		t.Run("PatchKeepsAbsentFields", func(t *testing.T) {
			meFixture(t, v)
			var m memberJSON
			v.alice.as(t).patch("/api/v1/me", map[string]any{"city": "Milan"}).ok(200, &m)
			v.alice.as(t).get("/api/v1/me").ok(200, &m)
			if m.City != "Milan" || m.Name != "Alice Aho" || m.Organisation != "FAO" || len(m.Languages) != 2 || m.Bio == "" {
				t.Fatalf("me = %+v", m)
			}
		})
		t.Run("PatchClears", func(t *testing.T) {
			meFixture(t, v)
			var m memberJSON
			v.alice.as(t).patch("/api/v1/me", map[string]any{"city": "", "languages": []string{}}).ok(200, &m)
			if m.City != "" || len(m.Languages) != 0 || m.Organisation != "FAO" {
				t.Fatalf("me = %+v", m)
			}
		})
		t.Run("PatchHandle", func(t *testing.T) {
			var m memberJSON
			v.bob.as(t).patch("/api/v1/me", map[string]any{"handle": "@Bobby"}).ok(200, &m)
			if m.Handle != "bobby" {
				t.Fatalf("handle = %q", m.Handle)
			}
		})
		for _, c := range []struct {
			name   string
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"ErrNameRequired", map[string]any{"name": "  "}, 422, "invalid", "name"},
			{"ErrNameTooLong", map[string]any{"name": strings.Repeat("n", sharefair.MaxNameLen+1)}, 422, "invalid", "name"},
			{"ErrCountry", map[string]any{"country": "XX"}, 422, "invalid", "country"},
			{"ErrCountryName", map[string]any{"country": "Italy"}, 422, "invalid", "country"},
			{"ErrTimeZone", map[string]any{"time_zone": "Mars/Olympus_Mons"}, 422, "invalid", "time_zone"},
			{"ErrTimeZoneOffset", map[string]any{"time_zone": "UTC+3"}, 422, "invalid", "time_zone"},
			{"ErrLanguages", map[string]any{"languages": []string{"en", "klingon"}}, 422, "invalid", "languages"},
			{"ErrLanguageName", map[string]any{"languages": []string{"English"}}, 422, "invalid", "languages"},
			{"ErrExpertiseComma", map[string]any{"expertise": []string{"a,b"}}, 422, "invalid", "expertise"},
			{"ErrBioControl", map[string]any{"bio": "bell\x07"}, 422, "invalid", "bio"},
			{"ErrHandleInvalid", map[string]any{"handle": "no spaces"}, 422, "invalid", "handle"},
			{"ErrHandleTaken", map[string]any{"handle": "alice"}, 409, "conflict", "handle"},
			{"ErrEmailNotEditable", map[string]any{"email": "x@example.org"}, 400, "bad_request", "email"},
			{"ErrRoleNotEditable", map[string]any{"role": "admin"}, 400, "bad_request", "role"},
		} {
			t.Run(c.name, func(t *testing.T) {
				v.admin.as(t).patch("/api/v1/me", c.body).fails(c.status, c.code, c.field)
			})
		}
	})
}

func TestMembers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		v.alice.patch("/api/v1/me", map[string]any{"organisation": "FAO", "languages": []string{"it", "en"},
			"expertise": []string{"storytelling"}}).ok(200, nil)
		v.bob.patch("/api/v1/me", map[string]any{"organisation": "fao", "languages": []string{"fr"}}).ok(200, nil)
		var th threadJSON
		v.alice.post("/api/v1/threads", map[string]any{"title": "Open to all", "body": "Hello"}).ok(201, &th)

		t.Run("NoEmails", func(t *testing.T) {
			for _, p := range []string{"/api/v1/members", "/api/v1/members/alice", "/api/v1/hubs/rome/members",
				"/api/v1/hubs/rome", "/api/v1/threads", "/api/v1/directory/facets"} {
				r := v.bob.as(t).get(p).ok(200, nil)
				if strings.Contains(string(r.Body), "@example.org") || strings.Contains(string(r.Body), `"email"`) {
					t.Errorf("%s shows an email address: %s", p, r.Body)
				}
			}
		})
		for _, c := range []struct {
			name, query string
			want        []string
		}{
			{"All", "", []string{"admin", "alice", "bob"}},
			{"Hub", "?hub=rome", []string{"alice"}},
			{"UnknownHub", "?hub=atlantis", nil},
			{"Organisation", "?organisation=FAO", []string{"alice", "bob"}},
			{"Language", "?language=it", []string{"alice"}},
			{"Expertise", "?expertise=Storytelling", []string{"alice"}},
			{"Query", "?q=bo", []string{"bob"}},
			{"Combined", "?organisation=fao&language=fr", []string{"bob"}},
			{"PastTheEnd", "?page=5", nil},
		} {
			t.Run("Filter"+c.name, func(t *testing.T) {
				var l listOf[memberJSON]
				v.bob.as(t).get("/api/v1/members"+c.query).ok(200, &l)
				var got []string
				for _, m := range l.Items {
					got = append(got, m.Handle)
				}
				total := len(c.want)
				if c.name == "PastTheEnd" {
					total = 3
				}
				if strings.Join(got, ",") != strings.Join(c.want, ",") || l.Total != total {
					t.Fatalf("members%s = %v (total %d), want %v", c.query, got, l.Total, c.want)
				}
			})
		}
		t.Run("Paging", func(t *testing.T) {
			var l listOf[memberJSON]
			v.bob.as(t).get("/api/v1/members?per_page=2&page=2").ok(200, &l)
			if l.Total != 3 || l.Pages != 2 || l.PerPage != 2 || len(l.Items) != 1 {
				t.Fatalf("page = %+v", l)
			}
		})
		t.Run("Profile", func(t *testing.T) {
			var m memberJSON
			v.bob.as(t).get("/api/v1/members/Alice").ok(200, &m)
			if m.Handle != "alice" || m.Email != nil || len(m.Hubs) != 1 || m.Hubs[0].Slug != "rome" ||
				len(m.RecentThreads) != 1 || m.RecentThreads[0].ID != th.ID || m.Organisation != "FAO" {
				t.Fatalf("profile = %+v", m)
			}
		})
		t.Run("ErrProfileNotFound", func(t *testing.T) {
			v.bob.as(t).get("/api/v1/members/nobody").fails(404, "not_found", "")
		})
		t.Run("Facets", func(t *testing.T) {
			var f struct {
				Organisations []struct {
					Value string `json:"value"`
					Count int    `json:"count"`
				} `json:"organisations"`
				Languages []struct {
					Value string `json:"value"`
					Label string `json:"label"`
					Count int    `json:"count"`
				} `json:"languages"`
				Expertise []struct {
					Value string `json:"value"`
				} `json:"expertise"`
			}
			v.bob.as(t).get("/api/v1/directory/facets").ok(200, &f)
			if len(f.Organisations) != 1 || f.Organisations[0].Count != 2 || len(f.Languages) != 3 ||
				len(f.Expertise) != 1 || f.Expertise[0].Value != "storytelling" {
				t.Fatalf("facets = %+v", f)
			}
			for _, l := range f.Languages {
				if l.Value == "it" && !strings.HasPrefix(l.Label, "Italian") {
					t.Errorf("language label = %+v", l)
				}
			}
		})
	})
}
