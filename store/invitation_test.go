package store_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// invitationWorld is a network with an admin, a coordinator of Rome and a
// member, on a clock the test moves.
type invitationWorld struct {
	db                *store.DB
	clock             *testutil.Clock
	admin, coord, bob *sharefair.Member
	rome, nairobi     *sharefair.Hub
}

func newInvitationWorld(t *testing.T, db *store.DB) invitationWorld {
	t.Helper()
	w := invitationWorld{db: db, clock: &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}}
	db.Now = w.clock.Now
	w.admin = testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
	w.coord = testutil.MustCreateMember(t, db, "coord", sharefair.RoleMember)
	w.bob = testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
	w.rome = testutil.MustCreateHub(t, db, w.admin, "Rome")
	w.nairobi = testutil.MustCreateHub(t, db, w.admin, "Nairobi")
	if _, err := db.SetCoordinator(testutil.As(w.admin), w.rome.Slug, "coord", true); err != nil {
		t.Fatal(err)
	}
	return w
}

func mustInvite(t *testing.T, db *store.DB, by *sharefair.Member, ni sharefair.NewInvitation) (*sharefair.Invitation, string) {
	t.Helper()
	inv, token, err := db.CreateInvitation(testutil.As(by), ni)
	if err != nil {
		t.Fatalf("CreateInvitation(%+v) = %v", ni, err)
	}
	return inv, token
}

// linkWorks reports whether an invitation link leads anywhere.
func linkWorks(t *testing.T, db *store.DB, token string) bool {
	t.Helper()
	_, err := db.FindInvitationByToken(context.Background(), token)
	if err != nil && sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

func TestInvitationDetails(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newInvitationWorld(t, db)
		t.Run("NameAndMessage", func(t *testing.T) {
			msg := "Ciao Carla,\r\nwe meet monthly. <b>Join us</b>"
			inv, token := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "carla@example.org", Hub: "rome",
				Name: "  Carla Rossi ", Message: msg})
			if inv.Name != "Carla Rossi" || inv.Message != "Ciao Carla,\nwe meet monthly. <b>Join us</b>" || inv.RenewedAt != nil {
				t.Fatalf("invitation = %+v", inv)
			}
			got, err := db.FindInvitationByToken(context.Background(), token)
			if err != nil || got.Name != inv.Name || got.Message != inv.Message {
				t.Fatalf("FindInvitationByToken = %+v, %v", got, err)
			}
		})
		for _, c := range []struct {
			name  string
			ni    sharefair.NewInvitation
			field string
		}{
			{"ErrNameTooLong", sharefair.NewInvitation{Email: "x@example.org", Hub: "rome", Name: strings.Repeat("n", sharefair.MaxNameLen+1)}, "name"},
			{"ErrNameControl", sharefair.NewInvitation{Email: "x@example.org", Hub: "rome", Name: "a\x07b"}, "name"},
			{"ErrMessageTooLong", sharefair.NewInvitation{Email: "x@example.org", Hub: "rome",
				Message: strings.Repeat("é", sharefair.MaxInvitationMessageLen+1)}, "message"},
			{"ErrMessageControl", sharefair.NewInvitation{Email: "x@example.org", Hub: "rome", Message: "a\x00b"}, "message"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := db.CreateInvitation(testutil.As(w.coord), c.ni)
				testutil.AssertCode(t, err, sharefair.EINVALID)
				if sharefair.ErrorFields(err)[c.field] == "" {
					t.Fatalf("fields = %v, want one on %s", sharefair.ErrorFields(err), c.field)
				}
			})
		}
		t.Run("MessageAtLimit", func(t *testing.T) {
			inv, _ := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "long@example.org", Hub: "rome",
				Message: strings.Repeat("é", sharefair.MaxInvitationMessageLen)})
			if len([]rune(inv.Message)) != sharefair.MaxInvitationMessageLen {
				t.Fatalf("message of %d characters kept as %d", sharefair.MaxInvitationMessageLen, len([]rune(inv.Message)))
			}
		})
	})
}

func TestInvitationRefresh(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newInvitationWorld(t, db)
		first, token1 := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "dora@example.org", Hub: "rome", Name: "Dora"})
		w.clock.Advance(time.Hour)
		// The same address, the same hub, another inviter: the open
		// invitation is refreshed, not doubled.
		again, token2 := mustInvite(t, db, w.admin, sharefair.NewInvitation{Email: "DORA@example.org", Hub: "rome", Message: "Welcome"})
		if again.ID != first.ID {
			t.Fatalf("inviting again made invitation %d beside %d", again.ID, first.ID)
		}
		if again.InvitedBy.Handle != "admin" || again.Message != "Welcome" || again.Name != "" ||
			!again.ExpiresAt.Equal(first.ExpiresAt.Add(time.Hour)) || again.RenewedAt == nil || !again.RenewedAt.Equal(w.clock.Now()) {
			t.Fatalf("refreshed invitation = %+v (first %+v)", again, first)
		}
		if linkWorks(t, db, token1) || !linkWorks(t, db, token2) {
			t.Fatal("after refreshing, the old link must stop working and the new one work")
		}
		// Another hub, or the network alone, is another invitation.
		other, _ := mustInvite(t, db, w.admin, sharefair.NewInvitation{Email: "dora@example.org", Hub: "nairobi"})
		network, _ := mustInvite(t, db, w.admin, sharefair.NewInvitation{Email: "dora@example.org"})
		network2, _ := mustInvite(t, db, w.admin, sharefair.NewInvitation{Email: "dora@example.org"})
		if other.ID == first.ID || network.ID == first.ID || network.ID == other.ID || network2.ID != network.ID {
			t.Fatalf("ids: rome %d, nairobi %d, network %d then %d", first.ID, other.ID, network.ID, network2.ID)
		}
		// An expired invitation is open until accepted or withdrawn:
		// inviting again revives it.
		w.clock.Advance(sharefair.InvitationTTL + time.Hour)
		revived, token3 := mustInvite(t, db, w.admin, sharefair.NewInvitation{Email: "dora@example.org", Hub: "rome"})
		if revived.ID != first.ID || revived.Status(w.clock.Now()) != "pending" || !linkWorks(t, db, token3) {
			t.Fatalf("revived = %+v", revived)
		}
		// A withdrawn one is not: inviting again makes a new one.
		if err := db.RevokeInvitation(testutil.As(w.admin), first.ID); err != nil {
			t.Fatal(err)
		}
		fresh, _ := mustInvite(t, db, w.admin, sharefair.NewInvitation{Email: "dora@example.org", Hub: "rome"})
		if fresh.ID == first.ID {
			t.Fatal("inviting after a withdrawal reopened the withdrawn invitation")
		}
		_, total, err := db.FindInvitations(testutil.As(w.admin), sharefair.Page{})
		if err != nil || total != 4 {
			t.Fatalf("invitations = %d, %v; want 4 (rome withdrawn, rome, nairobi, network)", total, err)
		}
	})
}

// TestInvitationRefreshRace invites one address from several requests at
// once: there is one open invitation afterwards, and every request got it.
func TestInvitationRefreshRace(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newInvitationWorld(t, db)
		const n = 8
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				inv, _, err := db.CreateInvitation(testutil.As(w.admin), sharefair.NewInvitation{Email: "race@example.org", Hub: "rome"})
				if err == nil {
					ids[i] = inv.ID
				}
				errs[i] = err
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("invitation %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("ids = %v, want one invitation", ids)
			}
		}
	})
}

func TestInvitationRenewal(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newInvitationWorld(t, db)
		inv, token := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "eli@example.org", Hub: "rome"})
		w.clock.Advance(time.Hour)

		t.Run("NewLink", func(t *testing.T) {
			got, token2, err := db.NewInvitationLink(testutil.As(w.coord), inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if token2 == token || !got.ExpiresAt.Equal(inv.ExpiresAt) || got.RenewedAt == nil || got.InvitedBy.Handle != "coord" {
				t.Fatalf("new link: %+v", got)
			}
			if linkWorks(t, db, token) || !linkWorks(t, db, token2) {
				t.Fatal("the old link must stop working and the new one work")
			}
			_, err = db.AcceptInvitation(context.Background(), token, sharefair.Acceptance{Name: "Eli", Handle: "eli", Password: "long enough pw"})
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			token = token2
		})
		t.Run("ErrNotTheirs", func(t *testing.T) {
			_, _, err := db.NewInvitationLink(testutil.As(w.bob), inv.ID)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, _, err = db.ResendInvitation(testutil.As(w.bob), inv.ID)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, _, err = db.NewInvitationLink(context.Background(), inv.ID)
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
			if !linkWorks(t, db, token) {
				t.Fatal("a refused renewal changed the link")
			}
		})
		t.Run("ResendExpired", func(t *testing.T) {
			w.clock.Advance(sharefair.InvitationTTL)
			_, _, err := db.NewInvitationLink(testutil.As(w.coord), inv.ID)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			// An admin re-sends it, in their name, for a new period.
			got, token3, err := db.ResendInvitation(testutil.As(w.admin), inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.ExpiresAt.Equal(w.clock.Now().Add(sharefair.InvitationTTL)) || got.InvitedBy.Handle != "admin" ||
				got.Status(w.clock.Now()) != "pending" || !linkWorks(t, db, token3) || linkWorks(t, db, token) {
				t.Fatalf("re-sent: %+v", got)
			}
			token = token3
		})
		t.Run("ErrMayNoLongerInvite", func(t *testing.T) {
			other, _ := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "fay@example.org", Hub: "rome"})
			list, _, err := db.FindInvitations(testutil.As(w.coord), sharefair.Page{})
			if err != nil || len(list) == 0 || !list[0].ViewerMayRenew {
				t.Fatalf("coordinator's invitations = %+v, %v; want them renewable", list, err)
			}
			if _, err := db.SetCoordinator(testutil.As(w.admin), w.rome.Slug, "coord", false); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if _, err := db.SetCoordinator(testutil.As(w.admin), w.rome.Slug, "coord", true); err != nil {
					t.Fatal(err)
				}
			}()
			mayRenew := func(m *sharefair.Member) bool {
				t.Helper()
				list, _, err := db.FindInvitations(testutil.As(m), sharefair.Page{})
				if err != nil {
					t.Fatal(err)
				}
				for _, inv := range list {
					if inv.ID == other.ID {
						return inv.ViewerMayRenew
					}
				}
				t.Fatalf("invitation %d not listed for %s", other.ID, m.Handle)
				return false
			}
			if mayRenew(w.coord) || !mayRenew(w.admin) {
				t.Fatalf("reported rights to renew: coordinator stood down %v, admin %v", mayRenew(w.coord), mayRenew(w.admin))
			}
			_, _, err = db.NewInvitationLink(testutil.As(w.coord), other.ID)
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			_, _, err = db.ResendInvitation(testutil.As(w.coord), other.ID)
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		})
		t.Run("ErrAcceptedOrWithdrawn", func(t *testing.T) {
			if _, err := db.AcceptInvitation(context.Background(), token, sharefair.Acceptance{Name: "Eli", Handle: "eli", Password: "long enough pw"}); err != nil {
				t.Fatal(err)
			}
			_, _, err := db.NewInvitationLink(testutil.As(w.admin), inv.ID)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			_, _, err = db.ResendInvitation(testutil.As(w.admin), inv.ID)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			gone, _ := mustInvite(t, db, w.admin, sharefair.NewInvitation{Email: "gus@example.org"})
			if err := db.RevokeInvitation(testutil.As(w.admin), gone.ID); err != nil {
				t.Fatal(err)
			}
			_, _, err = db.NewInvitationLink(testutil.As(w.admin), gone.ID)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			_, _, err = db.ResendInvitation(testutil.As(w.admin), gone.ID)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
		})
	})
}

// TestAcceptRechecksInviter: a link handed out by someone who may no longer
// invite there brings nobody in, and refusing it changes nothing.
func TestAcceptRechecksInviter(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newInvitationWorld(t, db)
		accept := func(token, handle string) error {
			_, err := db.AcceptInvitation(context.Background(), token,
				sharefair.Acceptance{Name: "New " + handle, Handle: handle, Password: "long enough pw"})
			return err
		}
		t.Run("CoordinatorStoodDown", func(t *testing.T) {
			_, token := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "hal@example.org", Hub: "rome"})
			if _, err := db.SetCoordinator(testutil.As(w.admin), w.rome.Slug, "coord", false); err != nil {
				t.Fatal(err)
			}
			err := accept(token, "hal")
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
			if !strings.Contains(sharefair.ErrorMessage(err), "Member coord can no longer invite people to the Rome hub") {
				t.Fatalf("message = %q", sharefair.ErrorMessage(err))
			}
			if _, err := db.FindMemberByHandle(testutil.As(w.admin), "hal"); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
				t.Fatalf("refused acceptance made a member: %v", err)
			}
			if !linkWorks(t, db, token) {
				t.Fatal("refused acceptance used up the link")
			}
			if _, err := db.SetCoordinator(testutil.As(w.admin), w.rome.Slug, "coord", true); err != nil {
				t.Fatal(err)
			}
			if err := accept(token, "hal"); err != nil {
				t.Fatalf("accept once the inviter coordinates again = %v", err)
			}
		})
		t.Run("AdminSteppedDown", func(t *testing.T) {
			other := testutil.MustCreateMember(t, db, "other_admin", sharefair.RoleAdmin)
			_, network := mustInvite(t, db, other, sharefair.NewInvitation{Email: "ivy@example.org"})
			_, hub := mustInvite(t, db, other, sharefair.NewInvitation{Email: "jo@example.org", Hub: "nairobi"})
			if err := db.Exec(context.Background(), `UPDATE members SET role = 'member' WHERE id = $1`, other.ID); err != nil {
				t.Fatal(err)
			}
			testutil.AssertCode(t, accept(network, "ivy"), sharefair.EFORBIDDEN)
			testutil.AssertCode(t, accept(hub, "jo"), sharefair.EFORBIDDEN)
		})
	})
}

// TestInviteExistingMember: inviting a member's address answers as any
// invitation does, and is a real one: accepting it signed in as that
// member puts them in the hub.
func TestInviteExistingMember(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newInvitationWorld(t, db)
		carol := testutil.MustCreateMember(t, db, "carol", sharefair.RoleMember)
		member, token := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "Bob@example.org", Hub: "rome", Name: "Bob"})
		stranger, _ := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "nobody@example.org", Hub: "rome", Name: "Bob"})
		if member.Status(w.clock.Now()) != stranger.Status(w.clock.Now()) || member.ExpiresAt != stranger.ExpiresAt ||
			(member.RenewedAt == nil) != (stranger.RenewedAt == nil) {
			t.Fatalf("a member's invitation %+v differs from a stranger's %+v", member, stranger)
		}

		for _, c := range []struct {
			name string
			ctx  context.Context
			want bool
		}{{"Anonymous", context.Background(), false}, {"Addressee", testutil.As(w.bob), true}, {"Other", testutil.As(carol), false}} {
			got, err := db.FindInvitationByToken(c.ctx, token)
			if err != nil || got.ForViewer != c.want {
				t.Fatalf("%s: FindInvitationByToken = %+v, %v; want ForViewer %v", c.name, got, err, c.want)
			}
		}
		_, err := db.AcceptInvitation(testutil.As(carol), token, sharefair.Acceptance{})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		// Signed out, the address is taken: a new account cannot have it.
		_, err = db.AcceptInvitation(context.Background(), token, sharefair.Acceptance{Name: "B", Handle: "bob2", Password: "long enough pw"})
		testutil.AssertCode(t, err, sharefair.ECONFLICT)
		if !linkWorks(t, db, token) {
			t.Fatal("a refused acceptance used up the link")
		}
		m, err := db.AcceptInvitation(testutil.As(w.bob), token, sharefair.Acceptance{})
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != w.bob.ID || len(m.Hubs) != 1 || m.Hubs[0].Hub.Slug != "rome" {
			t.Fatalf("member after accepting = %+v", m)
		}
		if linkWorks(t, db, token) {
			t.Fatal("the link still works after it was accepted")
		}
		hub, err := db.FindHubBySlug(testutil.As(w.bob), "rome")
		if err != nil || hub.MemberCount != 2 || hub.ViewerRole != sharefair.HubRoleMember {
			t.Fatalf("hub = %+v, %v", hub, err)
		}
		// Accepting an invitation to a hub they are in already is fine.
		_, again := mustInvite(t, db, w.coord, sharefair.NewInvitation{Email: "bob@example.org", Hub: "rome"})
		if _, err := db.AcceptInvitation(testutil.As(w.bob), again, sharefair.Acceptance{}); err != nil {
			t.Fatal(err)
		}
		if hub, _ := db.FindHubBySlug(testutil.As(w.bob), "rome"); hub.MemberCount != 2 {
			t.Fatalf("member count = %d after accepting twice, want 2 (the coordinator and bob)", hub.MemberCount)
		}
	})
}

// TestInvitationMigration: where earlier versions made several open
// invitations of one address to one hub, migration 00007 keeps the newest
// open and withdraws the others as of when the newest was made.
func TestInvitationMigration(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			u, conn := migratedTo(t, e, 5)
			for _, q := range []string{
				`INSERT INTO members (id, email, handle, name, role, password_hash, created_at, updated_at)
					VALUES (1, 'admin@example.org', 'admin', 'Admin', 'admin', 'x', '2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00')`,
				`INSERT INTO hubs (id, slug, name, description, created_at) VALUES (1, 'rome', 'Rome', '', '2026-11-01 09:00:00+00:00')`,
				`INSERT INTO invitations (id, email, hub_id, invited_by, token_hash, created_at, expires_at) VALUES
					(1, 'a@example.org', 1, 1, 'h1', '2026-11-01 09:00:00+00:00', '2026-11-15 09:00:00+00:00'),
					(2, 'a@example.org', 1, 1, 'h2', '2026-11-02 09:00:00+00:00', '2026-11-16 09:00:00+00:00'),
					(3, 'a@example.org', 1, 1, 'h3', '2026-11-03 09:00:00+00:00', '2026-11-17 09:00:00+00:00'),
					(4, 'a@example.org', NULL, 1, 'h4', '2026-11-01 09:00:00+00:00', '2026-11-15 09:00:00+00:00'),
					(5, 'a@example.org', NULL, 1, 'h5', '2026-11-02 09:00:00+00:00', '2026-11-16 09:00:00+00:00'),
					(6, 'b@example.org', 1, 1, 'h6', '2026-11-01 09:00:00+00:00', '2026-11-15 09:00:00+00:00')`,
			} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := store.MigrateTo(ctx, conn, string(e), 7); err != nil {
				t.Fatal(err)
			}
			db, err := store.Open(ctx, store.Options{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			admin := &sharefair.Member{ID: 1, Role: sharefair.RoleAdmin}
			db.Now = func() time.Time { return time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC) }
			invs, _, err := db.FindInvitations(testutil.As(admin), sharefair.Page{})
			if err != nil {
				t.Fatal(err)
			}
			revoked := map[int64]string{}
			for _, inv := range invs {
				if inv.RevokedAt != nil {
					revoked[inv.ID] = inv.RevokedAt.Format("2 Jan")
				} else {
					revoked[inv.ID] = "open"
				}
			}
			want := map[int64]string{1: "3 Nov", 2: "3 Nov", 3: "open", 4: "2 Nov", 5: "open", 6: "open"}
			if len(revoked) != len(want) {
				t.Fatalf("invitations after migrating: %v, want %v", revoked, want)
			}
			for id, w := range want {
				if revoked[id] != w {
					t.Fatalf("invitations after migrating: %v, want %v", revoked, want)
				}
			}
		})
	}
}

// migratedTo opens a raw connection to a new database of engine e,
// migrated to version n only, so that a test can write rows as an older
// Sharefair did and then open the store over them. It returns the
// database's URL and the connection, closed when the test ends.
func migratedTo(t *testing.T, e testutil.Engine, n int64) (string, *sql.DB) {
	t.Helper()
	u := testutil.DatabaseURL(t, e)
	driver := "sqlite"
	if e == testutil.Postgres {
		driver = "pgx"
	}
	conn, err := sql.Open(driver, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := store.MigrateTo(context.Background(), conn, string(e), n); err != nil {
		t.Fatal(err)
	}
	return u, conn
}
