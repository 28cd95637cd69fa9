package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/internal/testutil"
)

// linkJSON answers the creation and the renewals of an invitation.
type linkJSON struct {
	Invitation struct {
		invitationJSON
		Name      string     `json:"name"`
		Message   string     `json:"message"`
		ExpiresAt time.Time  `json:"expires_at"`
		RenewedAt *time.Time `json:"renewed_at"`
	} `json:"invitation"`
	URL        string `json:"url"`
	Token      string `json:"token"`
	AcceptPath string `json:"accept_path"`
}

func TestInvitationLinks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		v.admin.put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)

		var first linkJSON
		v.alice.post("/api/v1/invitations", map[string]any{"email": "nia@example.org", "hub": "rome",
			"name": "Nia", "message": "Ciao!\nSee you at the meet-up."}).ok(201, &first)
		t.Run("TokenAndAcceptPath", func(t *testing.T) {
			if len(first.Token) < 16 || first.URL != v.s.URL+"/join/"+first.Token ||
				first.AcceptPath != "/api/v1/join/"+first.Token+"/accept" {
				t.Fatalf("answer = %+v", first)
			}
			if first.Invitation.Name != "Nia" || first.Invitation.Message != "Ciao!\nSee you at the meet-up." || first.Invitation.RenewedAt != nil {
				t.Fatalf("invitation = %+v", first.Invitation)
			}
			var p struct {
				Name    string `json:"name"`
				Message string `json:"message"`
			}
			v.anon.as(t).get("/api/v1/join/"+first.Token).ok(200, &p)
			if p.Name != "Nia" || p.Message != first.Invitation.Message {
				t.Fatalf("preview = %+v", p)
			}
		})
		for _, c := range []struct {
			name, field string
			body        map[string]any
		}{
			{"ErrNameTooLong", "name", map[string]any{"email": "x@example.org", "hub": "rome", "name": strings.Repeat("n", 101)}},
			{"ErrMessageTooLong", "message", map[string]any{"email": "x@example.org", "hub": "rome", "message": strings.Repeat("m", 1001)}},
		} {
			t.Run(c.name, func(t *testing.T) {
				v.alice.as(t).post("/api/v1/invitations", c.body).fails(422, "invalid", c.field)
			})
		}
		token := first.Token
		id := first.Invitation.ID
		t.Run("InviteAgainRefreshes", func(t *testing.T) {
			v.s.Clock.Advance(time.Minute)
			var again linkJSON
			v.alice.as(t).post("/api/v1/invitations", map[string]any{"email": "Nia@Example.org", "hub": "rome", "name": "Nia B."}).ok(201, &again)
			if again.Invitation.ID != id || again.Token == token || again.Invitation.Name != "Nia B." || again.Invitation.RenewedAt == nil {
				t.Fatalf("again = %+v", again)
			}
			v.anon.as(t).get("/api/v1/join/"+token).fails(404, "not_found", "")
			var l listOf[invitationJSON]
			v.alice.as(t).get("/api/v1/invitations").ok(200, &l)
			if l.Total != 1 {
				t.Fatalf("alice has %d invitations, want 1", l.Total)
			}
			token = again.Token
		})
		t.Run("NewLink", func(t *testing.T) {
			v.bob.as(t).post(path("/api/v1/invitations/%d/link", id), nil).fails(404, "not_found", "")
			v.anon.as(t).post(path("/api/v1/invitations/%d/link", id), nil).fails(401, "unauthorized", "")
			var l linkJSON
			v.alice.as(t).post(path("/api/v1/invitations/%d/link", id), nil).ok(200, &l)
			if l.Invitation.ID != id || l.Token == token || l.AcceptPath != "/api/v1/join/"+l.Token+"/accept" {
				t.Fatalf("new link = %+v", l)
			}
			v.anon.as(t).get("/api/v1/join/"+token).fails(404, "not_found", "")
			v.anon.as(t).get("/api/v1/join/"+l.Token).ok(200, nil)
			token = l.Token
		})
		t.Run("Resend", func(t *testing.T) {
			v.s.Clock.Advance(sharefair.InvitationTTL)
			v.alice.as(t).post(path("/api/v1/invitations/%d/link", id), nil).fails(409, "conflict", "")
			var l linkJSON
			v.alice.as(t).post(path("/api/v1/invitations/%d/resend", id), nil).ok(200, &l)
			if l.Token == token || l.Invitation.Status != "pending" || !l.Invitation.ExpiresAt.Equal(v.s.Clock.Now().Add(sharefair.InvitationTTL)) {
				t.Fatalf("re-sent = %+v", l)
			}
			token = l.Token
		})
		t.Run("AcceptPath", func(t *testing.T) {
			var nm newMemberJSON
			v.anon.as(t).post("/api/v1/join/"+token+"/accept", map[string]any{"name": "Nia", "handle": "nia",
				"password": "a long enough password"}).ok(201, &nm)
			if len(nm.Member.Hubs) != 1 || nm.Member.Hubs[0].Slug != "rome" {
				t.Fatalf("member = %+v", nm.Member)
			}
			v.alice.as(t).post(path("/api/v1/invitations/%d/link", id), nil).fails(409, "conflict", "")
			v.alice.as(t).post(path("/api/v1/invitations/%d/resend", id), nil).fails(409, "conflict", "")
		})
	})
}

// shape is the structure of a JSON value: its keys and the kinds of their
// values, not the values.
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			m[k] = shape(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = shape(e)
		}
		return s
	case nil:
		return "null"
	}
	return reflect.TypeOf(v).Kind().String()
}

// TestInviteMemberAnswersAsAny: a coordinator inviting an address that is
// already a member's gets what they get for anyone else, and the
// invitation is real: the member, signed in, accepts it and is in the hub.
func TestInviteMemberAnswersAsAny(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		v.admin.put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
		member := v.alice.post("/api/v1/invitations", map[string]any{"email": "bob@example.org", "hub": "rome", "name": "Bob"})
		stranger := v.alice.post("/api/v1/invitations", map[string]any{"email": "zed@example.org", "hub": "rome", "name": "Bob"})
		if member.Status != 201 || stranger.Status != member.Status {
			t.Fatalf("statuses: member %d, stranger %d", member.Status, stranger.Status)
		}
		var m, s map[string]any
		if err := json.Unmarshal(member.Body, &m); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(stranger.Body, &s); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(shape(m), shape(s)) {
			t.Fatalf("shapes differ:\nmember   %s\nstranger %s", member.Body, stranger.Body)
		}
		// Apart from what differs in any two invitations (id, address,
		// token), the answers are the same, byte for byte.
		varying := regexp.MustCompile(`"id":\d+|bob@example\.org|zed@example\.org|/join/[A-Za-z0-9_-]+|"token":"[^"]+"`)
		if a, b := varying.ReplaceAll(member.Body, nil), varying.ReplaceAll(stranger.Body, nil); !bytes.Equal(a, b) {
			t.Fatalf("answers differ:\n%s\n%s", a, b)
		}
		var inv linkJSON
		member.ok(201, &inv)

		t.Run("ErrAnotherMember", func(t *testing.T) {
			v.admin.as(t).post(inv.AcceptPath, map[string]any{}).fails(403, "forbidden", "")
		})
		t.Run("ErrNewAccountForTheAddress", func(t *testing.T) {
			v.anon.as(t).post(inv.AcceptPath, map[string]any{"name": "B", "handle": "bob2", "password": "a long enough password"}).
				fails(409, "conflict", "email")
		})
		t.Run("AcceptSignedIn", func(t *testing.T) {
			var j struct {
				Member memberJSON  `json:"member"`
				Hub    *hubRefJSON `json:"hub"`
			}
			v.bob.as(t).post(inv.AcceptPath, map[string]any{}).ok(200, &j)
			if j.Member.Handle != "bob" || j.Hub == nil || j.Hub.Slug != "rome" || len(j.Member.Hubs) != 1 || j.Member.Hubs[0].Slug != "rome" {
				t.Fatalf("joined = %+v", j)
			}
			v.bob.as(t).post(inv.AcceptPath, map[string]any{}).fails(404, "not_found", "")
			var l listOf[invitationJSON]
			v.alice.as(t).get("/api/v1/invitations").ok(200, &l)
			for _, i := range l.Items {
				if i.ID == inv.Invitation.ID && i.Status != "accepted" {
					t.Fatalf("invitation = %+v", i)
				}
			}
		})
		t.Run("AcceptNetworkInvitationSignedIn", func(t *testing.T) {
			var l linkJSON
			v.admin.as(t).post("/api/v1/invitations", map[string]any{"email": "alice@example.org"}).ok(201, &l)
			var j struct {
				Hub *hubRefJSON `json:"hub"`
			}
			v.alice.as(t).post(l.AcceptPath, map[string]any{}).ok(200, &j)
			if j.Hub != nil {
				t.Fatalf("hub = %+v", j.Hub)
			}
		})
	})
}

// TestAcceptRechecksInviterAPI: a coordinator stood down since inviting
// cannot bring anyone in with the links they handed out.
func TestAcceptRechecksInviterAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		v := newEnv(t, e)
		v.admin.put("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
		var l linkJSON
		v.alice.post("/api/v1/invitations", map[string]any{"email": "otto@example.org", "hub": "rome"}).ok(201, &l)
		v.admin.del("/api/v1/hubs/rome/coordinators/alice").ok(204, nil)
		d := v.anon.post(l.AcceptPath, map[string]any{"name": "Otto", "handle": "otto", "password": "a long enough password"}).
			fails(403, "forbidden", "")
		if !strings.Contains(d.Message, "can no longer invite people to the Rome hub") {
			t.Fatalf("message = %q", d.Message)
		}
		v.anon.get("/api/v1/join/"+l.Token).ok(200, nil)
	})
}

// logBuffer collects log lines, safely from every request's goroutine.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInvitationLinkLogged: mail cannot be sent yet, so each fresh link is
// in the log, saying it is there for the admin to pass on.
func TestInvitationLinkLogged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		logs := &logBuffer{}
		v := newEnv(t, e, testutil.WithConfig(func(c *app.Config) {
			c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		}))
		var l linkJSON
		v.admin.post("/api/v1/invitations", map[string]any{"email": "pia@example.org"}).ok(201, &l)
		var n linkJSON
		v.admin.post(path("/api/v1/invitations/%d/resend", l.Invitation.ID), nil).ok(200, &n)
		out := logs.String()
		for _, want := range []string{l.URL, n.URL, "for the admin to pass on", "event=created", "event=re-sent"} {
			if !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
		}
	})
}
