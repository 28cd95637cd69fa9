package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
)

// createdInvitationJSON is the answer to a new invitation.
type createdInvitationJSON struct {
	Invitation invitationJSON `json:"invitation"`
	URL        string         `json:"url"`
}

// invitationsFixture starts a server with the cast, alice coordinating
// Rome and, by the request Create checks, her invitation of
// newcomer@example.org to Rome, with its token.
func invitationsFixture(t *testing.T, e testutil.Engine) (*env, createdInvitationJSON, string) {
	t.Helper()
	v := newEnv(t, e)
	v.admin.as(t).put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
	var created createdInvitationJSON
	v.alice.as(t).post("/api/v1/invitations", map[string]any{"email": " Newcomer@Example.org ", "hub": "rome"}).ok(201, &created)
	return v, created, strings.TrimPrefix(created.URL, v.s.URL+"/join/")
}

// acceptInvitation accepts the invitation with token as AcceptOnce does.
func acceptInvitation(t *testing.T, v *env, token string) {
	t.Helper()
	v.anon.as(t).post("/api/v1/join/"+token+"/accept", map[string]any{"name": "New Comer", "handle": "newcomera",
		"password": "a long enough password"}).ok(201, nil)
}

func TestInvitations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// A server with alice's invitation, which the subtests that are
		// refused or only look share; those that invite, accept or
		// withdraw start their own (invitationsFixture).
		v, _, token := invitationsFixture(t, e)

		t.Run("Create", func(t *testing.T) {
			v := newEnv(t, e)
			v.admin.as(t).put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
			var created createdInvitationJSON
			// The link is built from the configured base URL, never from
			// the Host header a client sends.
			req, _ := http.NewRequest("POST", v.s.URL+"/api/v1/invitations",
				strings.NewReader(`{"email":" Newcomer@Example.org ","hub":"rome"}`))
			req.Host = "evil.example"
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+v.alice.token)
			r := v.alice.as(t).send(req)
			r.ok(201, &created)
			if !strings.HasPrefix(created.URL, v.s.URL+"/join/") || len(created.URL) < len(v.s.URL+"/join/")+16 {
				t.Fatalf("url = %q", created.URL)
			}
			inv := created.Invitation
			if inv.Email == nil || *inv.Email != "newcomer@example.org" || inv.Hub == nil || inv.Hub.Slug != "rome" ||
				inv.InvitedBy.Handle != "alice" || inv.Status != "pending" {
				t.Fatalf("invitation = %+v", inv)
			}
		})
		for _, c := range []struct {
			name   string
			client *client
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"ErrEmailRequired", v.admin, map[string]any{"email": " "}, 422, "invalid", "email"},
			{"ErrEmailInvalid", v.admin, map[string]any{"email": "Someone <a@example.org>"}, 422, "invalid", "email"},
			{"ErrHubUnknown", v.admin, map[string]any{"email": "x@example.org", "hub": "atlantis"}, 422, "invalid", "hub"},
			{"ErrMemberNotCoordinator", v.bob, map[string]any{"email": "x@example.org", "hub": "rome"}, 403, "forbidden", ""},
			{"ErrCoordinatorNoHub", v.alice, map[string]any{"email": "x@example.org"}, 403, "forbidden", "hub"},
		} {
			t.Run(c.name, func(t *testing.T) {
				c.client.as(t).post("/api/v1/invitations", c.body).fails(c.status, c.code, c.field)
			})
		}
		t.Run("Preview", func(t *testing.T) {
			var p struct {
				Email     string      `json:"email"`
				Hub       *hubRefJSON `json:"hub"`
				InvitedBy string      `json:"invited_by"`
			}
			v.anon.as(t).get("/api/v1/join/"+token).ok(200, &p)
			if p.Email != "newcomer@example.org" || p.Hub == nil || p.Hub.Name != "Rome" || p.InvitedBy != "Member alice" {
				t.Fatalf("preview = %+v", p)
			}
			v.anon.as(t).get("/api/v1/join/"+token+"x").fails(404, "not_found", "")
		})
		t.Run("ErrAcceptInvalid", func(t *testing.T) {
			d := v.anon.as(t).post("/api/v1/join/"+token+"/accept", map[string]any{"name": "", "handle": "a b", "password": "short"}).
				fails(422, "invalid", "handle")
			if d.Fields["name"] == "" || d.Fields["password"] == "" {
				t.Fatalf("fields = %v", d.Fields)
			}
		})
		t.Run("ErrAcceptHandleTaken", func(t *testing.T) {
			v.anon.as(t).post("/api/v1/join/"+token+"/accept", map[string]any{"name": "New", "handle": "bob",
				"password": "a long enough password"}).fails(409, "conflict", "handle")
		})
		t.Run("AcceptOnce", func(t *testing.T) {
			v, _, token := invitationsFixture(t, e)
			// Two acceptances race: exactly one wins.
			statuses := make([]int, 2)
			bodies := make([]newMemberJSON, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					body := `{"name":"New Comer","handle":"newcomer` + string(rune('a'+i)) + `","password":"a long enough password"}`
					req, _ := http.NewRequest("POST", v.s.URL+"/api/v1/join/"+token+"/accept", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					res, err := v.s.Client().Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					defer res.Body.Close()
					statuses[i] = res.StatusCode
					if res.StatusCode == 201 {
						decodeBody(t, res, &bodies[i])
					}
				})
			}
			wg.Wait()
			won := -1
			for i, s := range statuses {
				switch s {
				case 201:
					if won >= 0 {
						t.Fatalf("both acceptances succeeded")
					}
					won = i
				case 404, 409:
				default:
					t.Fatalf("statuses = %v", statuses)
				}
			}
			if won < 0 {
				t.Fatalf("no acceptance succeeded: %v", statuses)
			}
			nm := bodies[won]
			if nm.Member.Email == nil || *nm.Member.Email != "newcomer@example.org" || nm.Secret == "" || nm.Token.ID == 0 ||
				len(nm.Member.Hubs) != 1 || nm.Member.Hubs[0].Slug != "rome" {
				t.Fatalf("new member = %+v", nm)
			}
			// The token works.
			var m memberJSON
			newClient(t, v.s, nm.Secret).get("/api/v1/me").ok(200, &m)
			if m.Handle != nm.Member.Handle {
				t.Fatalf("me = %+v", m)
			}
			// Single use.
			v.anon.as(t).post("/api/v1/join/"+token+"/accept", map[string]any{"name": "Again", "handle": "again",
				"password": "a long enough password"}).fails(404, "not_found", "")
			v.anon.as(t).get("/api/v1/join/"+token).fails(404, "not_found", "")
		})
		t.Run("List", func(t *testing.T) {
			v, created, token := invitationsFixture(t, e)
			acceptInvitation(t, v, token)
			var second struct {
				Invitation invitationJSON `json:"invitation"`
			}
			v.admin.as(t).post("/api/v1/invitations", map[string]any{"email": "later@example.org"}).ok(201, &second)
			var l listOf[invitationJSON]
			v.admin.as(t).get("/api/v1/invitations").ok(200, &l)
			if l.Total != 2 || len(l.Items) != 2 {
				t.Fatalf("invitations = %+v", l)
			}
			byID := map[int64]invitationJSON{}
			for _, inv := range l.Items {
				byID[inv.ID] = inv
			}
			acc := byID[created.Invitation.ID]
			if acc.Status != "accepted" || acc.Email != nil {
				t.Errorf("accepted invitation = %+v (its address now belongs to a member)", acc)
			}
			if p := byID[second.Invitation.ID]; p.Status != "pending" || p.Email == nil || p.Hub != nil {
				t.Errorf("pending invitation = %+v", p)
			}
			// A coordinator sees their own.
			v.alice.as(t).get("/api/v1/invitations").ok(200, &l)
			if l.Total != 1 || l.Items[0].ID != created.Invitation.ID {
				t.Fatalf("alice's invitations = %+v", l)
			}
		})
		t.Run("Revoke", func(t *testing.T) {
			v, created, token := invitationsFixture(t, e)
			acceptInvitation(t, v, token)
			var second struct {
				Invitation invitationJSON `json:"invitation"`
			}
			v.admin.as(t).post("/api/v1/invitations", map[string]any{"email": "later@example.org"}).ok(201, &second)
			id := second.Invitation.ID
			v.bob.as(t).del(path("/api/v1/invitations/%d", id)).fails(404, "not_found", "")
			v.admin.as(t).del(path("/api/v1/invitations/%d", id)).ok(204, nil)
			var l listOf[invitationJSON]
			v.admin.as(t).get("/api/v1/invitations?per_page=1").ok(200, &l)
			if l.Items[0].ID != id || l.Items[0].Status != "revoked" || l.Pages != 2 {
				t.Fatalf("invitations = %+v", l)
			}
			v.admin.as(t).del(path("/api/v1/invitations/%d", created.Invitation.ID)).fails(409, "conflict", "")
			v.admin.as(t).del("/api/v1/invitations/987654").fails(404, "not_found", "")
			v.admin.as(t).del("/api/v1/invitations/abc").fails(404, "not_found", "")
		})
	})
}
