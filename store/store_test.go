package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// adaSetup is a valid setup of the network TestSetup prepares.
var adaSetup = sharefair.Setup{Code: "abcd efgh ijkl", NetworkName: " KM Rome ", Email: "Ada@Example.org",
	Handle: "ada", Name: "Ada", Password: "a long enough password"}

// setupFixture opens a database waiting to be set up, with its setup code
// prepared, and (when done) sets it up as OnlyOneOfManyRacingSucceeds's
// winner does: adaSetup with another handle and address.
func setupFixture(t *testing.T, e testutil.Engine, done bool) *store.DB {
	t.Helper()
	db := testutil.MustOpenDB(t, e)
	ok, err := db.PrepareSetup(context.Background(), "ABCD-EFGH-IJKL")
	if err != nil || !ok {
		t.Fatalf("PrepareSetup = %v, %v", ok, err)
	}
	if done {
		s := adaSetup
		s.Handle, s.Email = "adaa", "adaa@example.org"
		if _, err := db.Setup(context.Background(), s); err != nil {
			t.Fatalf("Setup = %v", err)
		}
	}
	return db
}

// forEachEngine runs fn as a subtest on each engine, for tests whose
// subtests open databases of their own.
func forEachEngine(t *testing.T, fn func(t *testing.T, e testutil.Engine)) {
	t.Helper()
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

func TestSetup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// A network no subtest sets up; those that set it up, or need it
		// set up, open their own database (setupFixture).
		db := setupFixture(t, e, false)
		ctx := context.Background()
		s := adaSetup

		t.Run("ErrWrongCode", func(t *testing.T) {
			bad := s
			bad.Code = "nope"
			_, err := db.Setup(ctx, bad)
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			bad := s
			bad.Email, bad.Password = "not-an-email", "short"
			_, err := db.Setup(ctx, bad)
			testutil.AssertCode(t, err, sharefair.EINVALID)
			if f := sharefair.ErrorFields(err); f["email"] == "" || f["password"] == "" {
				t.Fatalf("fields = %v, want email and password", f)
			}
		})
		t.Run("OnlyOneOfManyRacingSucceeds", func(t *testing.T) {
			db := setupFixture(t, e, false)
			var wg sync.WaitGroup
			results := make([]error, 6)
			for i := range results {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					s := s
					s.Handle = "ada" + string(rune('a'+i))
					s.Email = s.Handle + "@example.org"
					_, results[i] = db.Setup(ctx, s)
				}(i)
			}
			wg.Wait()
			wins := 0
			for _, err := range results {
				switch sharefair.ErrorCode(err) {
				case "":
					wins++
				case sharefair.ECONFLICT:
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if wins != 1 {
				t.Fatalf("%d setups succeeded, want exactly 1", wins)
			}
			n, err := db.Network(ctx)
			if err != nil || !n.SetUp || n.Name != "KM Rome" {
				t.Fatalf("network = %+v, %v", n, err)
			}
			if ok, _ := db.PrepareSetup(ctx, "X"); ok {
				t.Fatal("PrepareSetup after setup = true")
			}
		})
		t.Run("ErrAlreadySetUp", func(t *testing.T) {
			db := setupFixture(t, e, true)
			_, err := db.Setup(ctx, s)
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
		})
	})
}

// countingHasher counts hashes; with a barrier of n it holds every Hash
// until n callers have arrived, then lets them all go at once.
type countingHasher struct {
	store.PasswordHasher
	hashes atomic.Int32

	n       int32
	release chan struct{}
}

func newCountingHasher(inner store.PasswordHasher, barrier int) *countingHasher {
	return &countingHasher{PasswordHasher: inner, n: int32(barrier), release: make(chan struct{})}
}

func (h *countingHasher) Hash(pw string) (string, error) {
	if n := h.hashes.Add(1); h.n > 0 {
		if n == h.n {
			close(h.release)
		}
		select {
		case <-h.release:
		case <-time.After(20 * time.Second):
			return "", errors.New("barrier: not every setup reached the password hash")
		}
	}
	return h.PasswordHasher.Hash(pw)
}

// TestSetupChecksCodeBeforeHashing: a wrong setup code, or a setup of a
// network already set up, costs no password hash.
func TestSetupChecksCodeBeforeHashing(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if ok, err := db.PrepareSetup(ctx, "ABCD-EFGH-JKLM"); err != nil || !ok {
			t.Fatalf("PrepareSetup = %v, %v", ok, err)
		}
		h := newCountingHasher(db.Hasher, 0)
		db.Hasher = h
		s := sharefair.Setup{Code: "WRONG-CODE-0000", NetworkName: "KM Rome", Email: "ada@example.org",
			Handle: "ada", Name: "Ada", Password: "a long enough password"}
		for range 3 {
			_, err := db.Setup(ctx, s)
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
		}
		if n := h.hashes.Load(); n != 0 {
			t.Fatalf("3 setups with a wrong code hashed %d passwords, want 0", n)
		}
		s.Code = "ABCD-EFGH-JKLM"
		if _, err := db.Setup(ctx, s); err != nil {
			t.Fatal(err)
		}
		if n := h.hashes.Load(); n != 1 {
			t.Fatalf("a setup with the right code hashed %d passwords, want 1", n)
		}
		s.Email, s.Handle = "bo@example.org", "bo"
		_, err := db.Setup(ctx, s)
		testutil.AssertCode(t, err, sharefair.ECONFLICT)
		if n := h.hashes.Load(); n != 1 {
			t.Fatalf("a setup of a network set up already hashed a password")
		}
	})
}

// TestSetupRace releases many setups together, each past every check made
// outside the transaction, so that only the transaction's own checks stand
// between them: exactly one may succeed, on either engine.
func TestSetupRace(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if ok, err := db.PrepareSetup(ctx, "ABCD-EFGH-JKLM"); err != nil || !ok {
			t.Fatalf("PrepareSetup = %v, %v", ok, err)
		}
		const n = 12
		db.Hasher = newCountingHasher(db.Hasher, n)
		results := make([]error, n)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() {
				handle := "ada" + string(rune('a'+i))
				_, results[i] = db.Setup(ctx, sharefair.Setup{Code: "abcd efgh jklm", NetworkName: "Net " + handle,
					Email: handle + "@example.org", Handle: handle, Name: "Ada", Password: "a long enough password"})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range results {
			switch sharefair.ErrorCode(err) {
			case "":
				wins++
			case sharefair.ECONFLICT:
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d of %d setups released together succeeded, want exactly 1", wins, n)
		}
		members := 0
		for i := range n {
			if _, err := db.Authenticate(ctx, "ada"+string(rune('a'+i))+"@example.org", "a long enough password"); err == nil {
				members++
			}
		}
		if members != 1 {
			t.Fatalf("%d members can sign in after the race, want 1", members)
		}
	})
}

// membersFixture opens a database with an admin and bob and, when
// profile, bob's profile as UpdateProfile fills it in.
func membersFixture(t *testing.T, e testutil.Engine, profile bool) (db *store.DB, admin, bob *sharefair.Member) {
	t.Helper()
	db = testutil.MustOpenDB(t, e)
	admin = testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
	bob = testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
	if profile {
		str := func(s string) *string { return &s }
		langs := []string{"it", "EN", "it"}
		tags := []string{" Knowledge  Harvesting ", "facilitation"}
		if _, err := db.UpdateMember(testutil.As(bob), bob.ID, sharefair.MemberUpdate{
			Name: str(" Bob Rossi "), Organisation: str("IDLO"), Title: str("KM officer"), City: str("Rome"),
			Country: str("it"), TimeZone: str("Europe/Rome"), Languages: &langs, Expertise: &tags,
			Bio: str("Ask me about\r\nafter-work meetups."),
		}); err != nil {
			t.Fatal(err)
		}
	}
	return db, admin, bob
}

func TestMembers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testutil.Engine) {
		// An admin and bob; Directory, which reads bob's profile and
		// counts every member, opens its own database (membersFixture).
		db, admin, bob := membersFixture(t, e, false)

		t.Run("CreateMemberSetsUpNetwork", func(t *testing.T) {
			n, err := db.Network(context.Background())
			if err != nil || !n.SetUp {
				t.Fatalf("network = %+v, %v; want set up after first admin", n, err)
			}
		})
		t.Run("ErrConflictNamesField", func(t *testing.T) {
			_, err := db.CreateMember(testutil.Operator(), sharefair.NewMember{Email: "BOB@example.org",
				Handle: "Bob", Name: "B", Password: "long enough pw"})
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			f := sharefair.ErrorFields(err)
			if f["email"] == "" || f["handle"] == "" {
				t.Fatalf("fields = %v", f)
			}
		})
		t.Run("ErrForbiddenForMembers", func(t *testing.T) {
			_, err := db.CreateMember(testutil.As(bob), sharefair.NewMember{Email: "x@example.org",
				Handle: "xx", Name: "X", Password: "long enough pw"})
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		})
		t.Run("Authenticate", func(t *testing.T) {
			m, err := db.Authenticate(context.Background(), " Bob@Example.org", "correct horse battery")
			if err != nil || m.ID != bob.ID {
				t.Fatalf("Authenticate = %v, %v", m, err)
			}
			_, err = db.Authenticate(context.Background(), "bob@example.org", "wrong")
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
			_, err = db.Authenticate(context.Background(), "nobody@example.org", "wrong")
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
		})
		t.Run("UpdateProfile", func(t *testing.T) {
			str := func(s string) *string { return &s }
			langs := []string{"it", "EN", "it"}
			tags := []string{" Knowledge  Harvesting ", "facilitation"}
			m, err := db.UpdateMember(testutil.As(bob), bob.ID, sharefair.MemberUpdate{
				Name: str(" Bob Rossi "), Organisation: str("IDLO"), Title: str("KM officer"), City: str("Rome"),
				Country: str("it"), TimeZone: str("Europe/Rome"), Languages: &langs, Expertise: &tags,
				Bio: str("Ask me about\r\nafter-work meetups."),
			})
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != "Bob Rossi" || m.Country != "IT" || m.Bio != "Ask me about\nafter-work meetups." {
				t.Fatalf("member = %+v", m)
			}
			if len(m.Languages) != 2 || m.Languages[0] != "en" || m.Languages[1] != "it" {
				t.Fatalf("languages = %v", m.Languages)
			}
			if len(m.Expertise) != 2 || m.Expertise[1] != "knowledge harvesting" {
				t.Fatalf("expertise = %v", m.Expertise)
			}
		})
		t.Run("ErrUpdateInvalid", func(t *testing.T) {
			bad, zone := "Narnia", "Mars/Olympus"
			langs := []string{"xx"}
			_, err := db.UpdateMember(testutil.As(bob), bob.ID, sharefair.MemberUpdate{Country: &bad, TimeZone: &zone, Languages: &langs})
			testutil.AssertCode(t, err, sharefair.EINVALID)
			if f := sharefair.ErrorFields(err); len(f) != 3 {
				t.Fatalf("fields = %v, want country, time_zone, languages", f)
			}
		})
		t.Run("ErrUpdateSomeoneElse", func(t *testing.T) {
			n := "Hacker"
			_, err := db.UpdateMember(testutil.As(bob), admin.ID, sharefair.MemberUpdate{Name: &n})
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		})
		t.Run("ErrHandleTaken", func(t *testing.T) {
			h := "ADMIN"
			_, err := db.UpdateMember(testutil.As(bob), bob.ID, sharefair.MemberUpdate{Handle: &h})
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
		})
		t.Run("Directory", func(t *testing.T) {
			db, admin, bob := membersFixture(t, e, true)
			hub := testutil.MustCreateHub(t, db, admin, "Rome")
			testutil.MustJoin(t, db, bob, hub)
			ctx := testutil.As(admin)
			for _, tc := range []struct {
				name string
				f    sharefair.MemberFilter
				want []string
			}{
				{"All", sharefair.MemberFilter{}, []string{"bob", "admin"}},
				{"Hub", sharefair.MemberFilter{Hub: "rome"}, []string{"bob"}},
				{"Organisation", sharefair.MemberFilter{Organisation: "idlo"}, []string{"bob"}},
				{"Language", sharefair.MemberFilter{Language: "it"}, []string{"bob"}},
				{"Expertise", sharefair.MemberFilter{Expertise: "Knowledge harvesting"}, []string{"bob"}},
				{"Query", sharefair.MemberFilter{Query: "ROSSI"}, []string{"bob"}},
				{"QueryWildcardIsLiteral", sharefair.MemberFilter{Query: "%"}, nil},
				{"NoMatch", sharefair.MemberFilter{Hub: "rome", Language: "fr"}, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					ms, total, err := db.FindMembers(ctx, tc.f)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, m := range ms {
						got = append(got, m.Handle)
					}
					if total != len(tc.want) || len(got) != len(tc.want) {
						t.Fatalf("got %v (total %d), want %v", got, total, tc.want)
					}
					for i := range got {
						if got[i] != tc.want[i] {
							t.Fatalf("got %v, want %v", got, tc.want)
						}
					}
				})
			}
			_, _, err := db.FindMembers(context.Background(), sharefair.MemberFilter{})
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
			f, err := db.DirectoryFacets(ctx)
			if err != nil || len(f.Organisations) != 1 || f.Organisations[0].Value != "IDLO" || len(f.Languages) != 2 {
				t.Fatalf("facets = %+v, %v", f, err)
			}
		})
		t.Run("Pagination", func(t *testing.T) {
			ms, total, err := db.FindMembers(testutil.As(bob), sharefair.MemberFilter{Page: sharefair.Page{Number: 5, Size: 1}})
			if err != nil || len(ms) != 0 || total != 2 {
				t.Fatalf("past last page: %d members, total %d, %v", len(ms), total, err)
			}
		})
		t.Run("NoTotal", func(t *testing.T) {
			// Without a count, the total says whether more follow.
			for _, tc := range []struct {
				page     sharefair.Page
				n, total int
			}{
				{sharefair.Page{Number: 1, Size: 1}, 1, 2},
				{sharefair.Page{Number: 2, Size: 1}, 1, 2},
				{sharefair.Page{Number: 1, Size: 5}, 2, 2},
				{sharefair.Page{Number: 3, Size: 1}, 0, 2},
			} {
				ms, total, err := db.FindMembers(testutil.As(bob), sharefair.MemberFilter{Page: tc.page, NoTotal: true})
				if err != nil || len(ms) != tc.n || total != tc.total {
					t.Errorf("page %+v: %d members, total %d, %v; want %d, total %d", tc.page, len(ms), total, err, tc.n, tc.total)
				}
			}
		})
		t.Run("NoProfiles", func(t *testing.T) {
			ms, _, err := db.FindMembers(testutil.As(bob), sharefair.MemberFilter{Query: "rossi", NoProfiles: true})
			if err != nil || len(ms) != 1 || len(ms[0].Languages) != 0 || len(ms[0].Expertise) != 0 {
				t.Fatalf("names only: %+v, %v", ms, err)
			}
			ms, _, err = db.FindMembers(testutil.As(bob), sharefair.MemberFilter{Query: "rossi"})
			if err != nil || len(ms) != 1 || len(ms[0].Languages) == 0 || len(ms[0].Expertise) == 0 {
				t.Fatalf("with profiles: %+v, %v", ms, err)
			}
		})
		t.Run("CountSeesNewMemberAtOnce", func(t *testing.T) {
			// The directory's count and facets are reused for a few
			// seconds, but a change made here shows at once.
			ctx := testutil.As(bob)
			_, before, err := db.FindMembers(ctx, sharefair.MemberFilter{})
			if err != nil {
				t.Fatal(err)
			}
			carol := testutil.MustCreateMember(t, db, "carol", sharefair.RoleMember)
			_, after, err := db.FindMembers(ctx, sharefair.MemberFilter{})
			if err != nil || after != before+1 {
				t.Fatalf("total %d after a new member, was %d (%v)", after, before, err)
			}
			org := "Fresh Org"
			if _, err := db.UpdateMember(testutil.As(carol), carol.ID, sharefair.MemberUpdate{Organisation: &org}); err != nil {
				t.Fatal(err)
			}
			f, err := db.DirectoryFacets(ctx)
			if err != nil || !slices.ContainsFunc(f.Organisations, func(fc sharefair.Facet) bool { return fc.Value == org }) {
				t.Fatalf("facets after a new organisation = %+v, %v", f, err)
			}
		})
	})
}

func TestSessionsAndTokens(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clock := &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		ctx := context.Background()

		secret, err := db.CreateSession(ctx, bob.ID, sharefair.SessionClient{})
		if err != nil {
			t.Fatal(err)
		}
		if m, err := db.MemberBySession(ctx, secret); err != nil || m.ID != bob.ID {
			t.Fatalf("MemberBySession = %v, %v", m, err)
		}
		clock.Advance(sharefair.SessionTTL - time.Hour)
		if _, err := db.MemberBySession(ctx, secret); err != nil {
			t.Fatalf("session used within its life: %v", err)
		}
		clock.Advance(sharefair.SessionTTL - time.Minute)
		if _, err := db.MemberBySession(ctx, secret); err != nil {
			t.Fatalf("sliding session ended early: %v", err)
		}
		clock.Advance(sharefair.SessionTTL + time.Minute)
		_, err = db.MemberBySession(ctx, secret)
		testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)

		secret, _ = db.CreateSession(ctx, bob.ID, sharefair.SessionClient{})
		if err := db.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		_, err = db.MemberBySession(ctx, secret)
		testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)

		_, _, err = db.CreateToken(testutil.As(ann), bob.ID, "steal")
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, _, err = db.CreateToken(testutil.As(bob), bob.ID, "  ")
		testutil.AssertCode(t, err, sharefair.EINVALID)
		tok, raw, err := db.CreateToken(testutil.As(bob), bob.ID, "reports script")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := db.MemberByToken(ctx, raw); err != nil || m.ID != bob.ID {
			t.Fatalf("MemberByToken = %v, %v", m, err)
		}
		ts, err := db.FindTokens(testutil.As(bob))
		if err != nil || len(ts) != 1 || ts[0].LastUsedAt == nil || ts[0].Hint != raw[len(raw)-4:] {
			t.Fatalf("tokens = %+v, %v", ts, err)
		}
		testutil.AssertCode(t, db.RevokeToken(testutil.As(ann), tok.ID), sharefair.ENOTFOUND)
		if err := db.RevokeToken(testutil.As(bob), tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.MemberByToken(ctx, raw)
		testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
		if _, raw, err := db.CreateToken(testutil.Operator(), ann.ID, "cli"); err != nil || raw == "" {
			t.Fatalf("operator token: %v", err)
		}
	})
}

func TestHubs(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)

		_, err := db.CreateHub(testutil.As(bob), sharefair.NewHub{Name: "Rome"})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, err = db.CreateHub(testutil.As(admin), sharefair.NewHub{Name: ""})
		testutil.AssertCode(t, err, sharefair.EINVALID)
		rome, err := db.CreateHub(testutil.As(admin), sharefair.NewHub{Name: "Rome & Lazio", Description: "After work."})
		if err != nil || rome.Slug != "rome-lazio" {
			t.Fatalf("hub = %+v, %v", rome, err)
		}
		_, err = db.CreateHub(testutil.As(admin), sharefair.NewHub{Name: "Rome, Lazio"})
		testutil.AssertCode(t, err, sharefair.ECONFLICT)
		if f := sharefair.ErrorFields(err); f["slug"] == "" {
			t.Fatalf("conflict fields = %v", f)
		}

		if _, err := db.JoinHub(testutil.As(bob), rome.Slug); err != nil {
			t.Fatal(err)
		}
		if _, err := db.JoinHub(testutil.As(bob), rome.Slug); err != nil {
			t.Fatalf("joining twice: %v", err)
		}
		_, err = db.JoinHub(testutil.As(bob), "nowhere")
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)
		h, err := db.FindHubBySlug(testutil.As(bob), rome.Slug)
		if err != nil || h.MemberCount != 1 || h.ViewerRole != sharefair.HubRoleMember {
			t.Fatalf("hub = %+v, %v", h, err)
		}
		name := "Renamed"
		_, err = db.UpdateHub(testutil.As(bob), rome.Slug, sharefair.HubUpdate{Name: &name})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)

		testutil.AssertCode(t, errOf(db.SetCoordinator(testutil.As(bob), rome.Slug, "bob", true)), sharefair.EFORBIDDEN)
		testutil.AssertCode(t, errOf(db.SetCoordinator(testutil.As(admin), rome.Slug, "ghost", true)), sharefair.ENOTFOUND)
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "@Bob", true); err != nil {
			t.Fatal(err)
		}
		h, _ = db.FindHubBySlug(testutil.As(bob), rome.Slug)
		if h.ViewerRole != sharefair.HubRoleCoordinator || len(h.Coordinators) != 1 || h.Coordinators[0].Handle != "bob" {
			t.Fatalf("after appointing: %+v", h)
		}
		if _, err := db.UpdateHub(testutil.As(bob), rome.Slug, sharefair.HubUpdate{Name: &name}); err != nil {
			t.Fatalf("coordinator renames hub: %v", err)
		}
		if _, err := db.LeaveHub(testutil.As(bob), rome.Slug); err != nil {
			t.Fatal(err)
		}
		h, _ = db.FindHubBySlug(testutil.As(bob), rome.Slug)
		if h.ViewerRole != "" || h.MemberCount != 0 || len(h.Coordinators) != 0 {
			t.Fatalf("after leaving: %+v", h)
		}
		hubs, err := db.FindHubs(testutil.As(bob))
		if err != nil || len(hubs) != 1 || hubs[0].Name != "Renamed" {
			t.Fatalf("hubs = %v, %v", hubs, err)
		}
	})
}

func TestInvitations(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clock := &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		coord := testutil.MustCreateMember(t, db, "coord", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		nairobi := testutil.MustCreateHub(t, db, admin, "Nairobi")
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "coord", true); err != nil {
			t.Fatal(err)
		}

		_, _, err := db.CreateInvitation(testutil.As(bob), sharefair.NewInvitation{Email: "x@example.org", Hub: "rome"})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, _, err = db.CreateInvitation(testutil.As(coord), sharefair.NewInvitation{Email: "x@example.org", Hub: nairobi.Slug})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, _, err = db.CreateInvitation(testutil.As(coord), sharefair.NewInvitation{Email: "x@example.org"})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, _, err = db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "nope"})
		testutil.AssertCode(t, err, sharefair.EINVALID)

		inv, token, err := db.CreateInvitation(testutil.As(coord), sharefair.NewInvitation{Email: "Carla@Example.org", Hub: "rome"})
		if err != nil {
			t.Fatal(err)
		}
		if inv.Email != "carla@example.org" || inv.Hub == nil || inv.Hub.Slug != "rome" || inv.InvitedBy.Handle != "coord" {
			t.Fatalf("invitation = %+v", inv)
		}
		if got, err := db.FindInvitationByToken(context.Background(), token); err != nil || got.ID != inv.ID {
			t.Fatalf("FindInvitationByToken = %v, %v", got, err)
		}
		_, err = db.AcceptInvitation(context.Background(), token, sharefair.Acceptance{Name: "Carla", Handle: "bob", Password: "long enough pw"})
		testutil.AssertCode(t, err, sharefair.ECONFLICT)
		m, err := db.AcceptInvitation(context.Background(), token, sharefair.Acceptance{Name: "Carla", Handle: "carla", Password: "long enough pw"})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Hubs) != 1 || m.Hubs[0].Hub.Slug != "rome" || m.Email != "carla@example.org" {
			t.Fatalf("member = %+v", m)
		}
		_, err = db.AcceptInvitation(context.Background(), token, sharefair.Acceptance{Name: "C2", Handle: "carla2", Password: "long enough pw"})
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)

		// Expiry.
		_, token2, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "dan@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(sharefair.InvitationTTL + time.Second)
		_, err = db.FindInvitationByToken(context.Background(), token2)
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)
		_, err = db.AcceptInvitation(context.Background(), token2, sharefair.Acceptance{Name: "Dan", Handle: "dan", Password: "long enough pw"})
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)

		// Revocation.
		inv3, token3, _ := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "eve@example.org"})
		testutil.AssertCode(t, db.RevokeInvitation(testutil.As(coord), inv3.ID), sharefair.ENOTFOUND)
		if err := db.RevokeInvitation(testutil.As(admin), inv3.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindInvitationByToken(context.Background(), token3)
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)

		list, total, err := db.FindInvitations(testutil.As(coord), sharefair.Page{})
		if err != nil || total != 1 || len(list) != 1 || list[0].Status(clock.Now()) != "accepted" {
			t.Fatalf("coordinator's invitations = %v (%d), %v", list, total, err)
		}
		_, total, _ = db.FindInvitations(testutil.As(admin), sharefair.Page{})
		if total != 3 {
			t.Fatalf("admin sees %d invitations, want 3", total)
		}
	})
}

// TestUnsearchableInput checks that text PostgreSQL cannot compare (NUL,
// invalid UTF-8) is answered as "not found" or "invalid", never as a
// database error.
func TestUnsearchableInput(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ctx := testutil.As(admin)
		for _, bad := range []string{"a\x00b", "\xff\xfe", "rome\x00"} {
			_, err := db.FindMemberByHandle(ctx, bad)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.FindMemberByEmail(ctx, bad)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.FindHubBySlug(ctx, bad)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			_, err = db.JoinHub(ctx, bad)
			testutil.AssertCode(t, err, sharefair.ENOTFOUND)
			testutil.AssertCode(t, errOf(db.SetCoordinator(ctx, "x", bad, true)), sharefair.ENOTFOUND)
			_, err = db.Authenticate(ctx, bad, "password")
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
			for _, f := range []sharefair.MemberFilter{{Query: bad}, {Hub: bad}, {Organisation: bad}, {Language: bad}, {Expertise: bad}} {
				_, _, err = db.FindMembers(ctx, f)
				testutil.AssertCode(t, err, sharefair.EINVALID)
			}
		}
		ms, _, err := db.FindMembers(ctx, sharefair.MemberFilter{Page: sharefair.Page{Number: 1 << 62}})
		if err != nil || len(ms) != 0 {
			t.Fatalf("huge page number: %v, %v", ms, err)
		}
	})
}

// TestStandDownNonMember checks that standing down someone who does not
// coordinate a hub leaves their membership as it was.
func TestStandDownNonMember(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "bob", false); err != nil {
			t.Fatal(err)
		}
		if h, _ := db.FindHubBySlug(testutil.As(bob), rome.Slug); h.ViewerRole != "" || h.MemberCount != 0 {
			t.Fatalf("standing down a non-member made them %q (members %d)", h.ViewerRole, h.MemberCount)
		}
	})
}

// TestHubMemberCount checks the kept count follows joins, repeated joins,
// invitations, appointments and leaving.
func TestHubMemberCount(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		count := func() int {
			t.Helper()
			h, err := db.FindHubBySlug(testutil.As(admin), rome.Slug)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM hub_members WHERE hub_id = $1`, rome.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != h.MemberCount {
				t.Fatalf("kept count %d, memberships %d", h.MemberCount, n)
			}
			return n
		}
		testutil.MustJoin(t, db, ann, rome)
		testutil.MustJoin(t, db, ann, rome)
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "admin", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "ann", true); err != nil {
			t.Fatal(err)
		}
		_, token, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "c@example.org", Hub: rome.Slug})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AcceptInvitation(context.Background(), token, sharefair.Acceptance{Name: "C", Handle: "cc", Password: "long enough pw"}); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 3 {
			t.Fatalf("count = %d, want 3", n)
		}
		for i := 0; i < 2; i++ {
			if _, err := db.LeaveHub(testutil.As(ann), rome.Slug); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(); n != 2 {
			t.Fatalf("after leaving twice: %d, want 2", n)
		}
		hubs, _ := db.FindHubs(testutil.As(ann))
		if hubs[0].MemberCount != 2 {
			t.Fatalf("FindHubs count = %d", hubs[0].MemberCount)
		}
	})
}

// TestReopenKeepsData checks that starting again on an existing database
// (migrations run at every start) changes nothing that members wrote.
func TestReopenKeepsData(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			url := testutil.DatabaseURL(t, e)
			open := func() *store.DB {
				db, err := store.Open(context.Background(), store.Options{URL: url, Synchronous: "NORMAL"})
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				db.Hasher = auth.NewHasher(testutil.CheapHash)
				return db
			}
			db := open()
			admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
			rome := testutil.MustCreateHub(t, db, admin, "Rome")
			testutil.MustJoin(t, db, admin, rome)
			th := testutil.MustCreateThread(t, db, admin, rome, "Kept", "Still *here*")
			db.Close()

			db = open()
			defer db.Close()
			got, err := db.FindThreadByID(testutil.As(admin), th.ID)
			if err != nil || got.Title != "Kept" || got.PostCount != 1 {
				t.Fatalf("after reopening: %+v, %v", got, err)
			}
			h, err := db.FindHubBySlug(testutil.As(admin), rome.Slug)
			if err != nil || h.MemberCount != 1 {
				t.Fatalf("hub after reopening: %+v, %v", h, err)
			}
			if _, err := db.Authenticate(context.Background(), "admin@example.org", "correct horse battery"); err != nil {
				t.Fatalf("sign-in after reopening: %v", err)
			}
		})
	}
}

// TestRights checks the store reports what each viewer may do, across the
// network and in a hub, and that its write methods hold to the same
// answers.
func TestRights(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		coord := testutil.MustCreateMember(t, db, "coord", sharefair.RoleMember)
		member := testutil.MustCreateMember(t, db, "member", sharefair.RoleMember)
		outsider := testutil.MustCreateMember(t, db, "outsider", sharefair.RoleMember)
		host := testutil.MustCreateMember(t, db, "host", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		testutil.MustJoin(t, db, member, rome)
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "coord", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateCircle(testutil.As(host), sharefair.NewCircle{Name: "Quiet room", Kind: sharefair.CircleSecret}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			m                           *sharefair.Member
			post, edit, invite, appoint bool
			network                     sharefair.NetworkRights
		}{
			{admin, true, true, true, true, sharefair.NetworkRights{CreateHubs: true, AppointCoordinators: true,
				RenameNetwork: true, Invite: true, InviteToNetwork: true, ManageMembers: true, SeeChecklist: true,
				Moderate: true, ReadAudit: true, ChangeStanding: true, SeeSecretCircles: true}},
			{coord, true, true, true, false, sharefair.NetworkRights{Invite: true, Moderate: true}},
			{member, true, false, false, false, sharefair.NetworkRights{}},
			{outsider, false, false, false, false, sharefair.NetworkRights{}},
			// A circle's host moderates it, and invites to it only.
			{host, false, false, false, false, sharefair.NetworkRights{Moderate: true}},
		} {
			ctx := testutil.As(tc.m)
			h, err := db.FindHubBySlug(ctx, rome.Slug)
			if err != nil {
				t.Fatal(err)
			}
			hubs, _ := db.FindHubs(ctx)
			listed := []*sharefair.Hub{h}
			for _, l := range hubs {
				if l.ID == rome.ID {
					listed = append(listed, l)
				}
			}
			if len(listed) != 2 {
				t.Fatalf("%s: Rome not listed", tc.m.Handle)
			}
			for _, h := range listed {
				if h.ViewerMayPost != tc.post || h.ViewerMayEdit != tc.edit || h.ViewerMayInvite != tc.invite ||
					h.ViewerMayAppoint != tc.appoint {
					t.Fatalf("%s: post %v edit %v invite %v appoint %v", tc.m.Handle, h.ViewerMayPost, h.ViewerMayEdit,
						h.ViewerMayInvite, h.ViewerMayAppoint)
				}
			}
			r, err := db.Rights(ctx)
			if err != nil || r != tc.network {
				t.Fatalf("%s: rights %+v, want %+v (%v)", tc.m.Handle, r, tc.network, err)
			}
			if (tc.invite || !tc.post) && r.Invite != (tc.invite || tc.network.InviteToNetwork) {
				t.Fatalf("%s: may invite to the hub %v but across the network %v", tc.m.Handle, tc.invite, r.Invite)
			}

			_, err = db.CreateThread(ctx, sharefair.NewThread{Title: "t", Body: "b", Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceHub, Hub: rome.Slug}})
			if (err == nil) != tc.post {
				t.Errorf("%s: CreateThread = %v, reported may post %v", tc.m.Handle, err, tc.post)
			}
			name := "Rome"
			_, err = db.UpdateHub(ctx, rome.Slug, sharefair.HubUpdate{Name: &name})
			if (err == nil) != tc.edit {
				t.Errorf("%s: UpdateHub = %v, reported may edit %v", tc.m.Handle, err, tc.edit)
			}
			_, _, err = db.CreateInvitation(ctx, sharefair.NewInvitation{Email: tc.m.Handle + "-guest@example.org", Hub: rome.Slug})
			if (err == nil) != tc.invite {
				t.Errorf("%s: CreateInvitation = %v, reported may invite %v", tc.m.Handle, err, tc.invite)
			}
			_, err = db.SetCoordinator(ctx, rome.Slug, "member", false)
			if (err == nil) != tc.appoint || (err == nil) != r.AppointCoordinators {
				t.Errorf("%s: SetCoordinator = %v, reported may appoint %v", tc.m.Handle, err, tc.appoint)
			}
			_, err = db.CreateHub(ctx, sharefair.NewHub{Name: "Hub of " + tc.m.Handle})
			if (err == nil) != r.CreateHubs {
				t.Errorf("%s: CreateHub = %v, reported may create hubs %v", tc.m.Handle, err, r.CreateHubs)
			}
			_, err = db.RenameNetwork(ctx, "Network of "+tc.m.Handle)
			if (err == nil) != r.RenameNetwork {
				t.Errorf("%s: RenameNetwork = %v, reported may rename %v", tc.m.Handle, err, r.RenameNetwork)
			}
			_, _, err = db.CreateInvitation(ctx, sharefair.NewInvitation{Email: tc.m.Handle + "-net@example.org"})
			if (err == nil) != r.InviteToNetwork {
				t.Errorf("%s: CreateInvitation without a hub = %v, reported may invite to the network %v", tc.m.Handle, err, r.InviteToNetwork)
			}
			bio := "Changed by " + tc.m.Handle
			_, err = db.UpdateMember(ctx, outsider.ID, sharefair.MemberUpdate{Bio: &bio})
			if want := r.ManageMembers || tc.m == outsider; (err == nil) != want {
				t.Errorf("%s: UpdateMember of someone else = %v, want allowed %v", tc.m.Handle, err, want)
			}
			_, err = db.CreateMember(ctx, sharefair.NewMember{Email: tc.m.Handle + "-new@example.org", Handle: tc.m.Handle + "_new",
				Name: "New", Password: "long enough pw"})
			if (err == nil) != r.ManageMembers {
				t.Errorf("%s: CreateMember = %v, reported may manage members %v", tc.m.Handle, err, r.ManageMembers)
			}
		}
		if r, err := db.Rights(context.Background()); err != nil || r != (sharefair.NetworkRights{}) {
			t.Fatalf("rights of nobody = %+v, %v", r, err)
		}

		// A title is its author's and its moderators' to change: the
		// hub's coordinator and network admins (mayModerateThread).
		th := testutil.MustCreateThread(t, db, member, rome, "Mine", "b")
		for m, want := range map[*sharefair.Member]bool{admin: true, member: true, coord: true} {
			got, err := db.FindThreadByID(testutil.As(m), th.ID)
			if err != nil || got.ViewerMayRename != want {
				t.Fatalf("%s may rename: %v, want %v (%v)", m.Handle, got.ViewerMayRename, want, err)
			}
			_, err = db.RenameThread(testutil.As(m), th.ID, "Renamed")
			if (err == nil) != want {
				t.Errorf("%s: RenameThread = %v, reported may rename %v", m.Handle, err, want)
			}
		}
		posts, _, err := db.FindPosts(testutil.As(member), th.ID, sharefair.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for m, want := range map[*sharefair.Member]bool{admin: false, member: true, coord: false} {
			p, err := db.FindPostByID(testutil.As(m), posts[0].ID)
			if err != nil || p.ViewerMayEdit != want {
				t.Fatalf("%s may edit: %v, want %v (%v)", m.Handle, p.ViewerMayEdit, want, err)
			}
			_, err = db.UpdatePost(testutil.As(m), p.ID, "Edited by "+m.Handle)
			if (err == nil) != want {
				t.Errorf("%s: UpdatePost = %v, reported may edit %v", m.Handle, err, want)
			}
		}
	})
}

// TestDeviceKey: the key that signs device cookies is made once and is the
// same for every instance opening the database, however many start at once.
func TestDeviceKey(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			url := testutil.DatabaseURL(t, e)
			ctx := context.Background()
			keys := make([][]byte, 4)
			var wg sync.WaitGroup
			for i := range keys {
				db, err := store.Open(ctx, store.Options{URL: url, Synchronous: "NORMAL"})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				wg.Go(func() {
					if keys[i], err = db.DeviceKey(ctx); err != nil {
						t.Errorf("instance %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			for i, k := range keys {
				if len(k) != 32 || string(k) != string(keys[0]) {
					t.Fatalf("instance %d has key %x, instance 0 %x", i, k, keys[0])
				}
			}
		})
	}
}

// TestRightsReadInTheTransaction checks that a right taken away is
// honoured by the next write, however fresh the viewer's session: the
// member a request carries is a snapshot, and a write reads the viewer's
// role (and their role in the hub) again, inside its transaction.
func TestRightsReadInTheTransaction(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ex := testutil.MustCreateMember(t, db, "ex", sharefair.RoleAdmin)
		coord := testutil.MustCreateMember(t, db, "coord", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "coord", true); err != nil {
			t.Fatal(err)
		}
		th := testutil.MustCreateThread(t, db, admin, nil, "Started by an admin", "b")
		exCtx := testutil.As(ex) // the snapshot still says admin
		if err := db.Exec(ctx, `UPDATE members SET role = 'member' WHERE id = $1`, ex.ID); err != nil {
			t.Fatal(err)
		}
		name, bio := "Taken", "Taken"
		for what, err := range map[string]error{
			"CreateHub":      second(db.CreateHub(exCtx, sharefair.NewHub{Name: "Lima"})),
			"UpdateHub":      second(db.UpdateHub(exCtx, rome.Slug, sharefair.HubUpdate{Name: &name})),
			"SetCoordinator": errOf(db.SetCoordinator(exCtx, rome.Slug, "ex", true)),
			"RenameNetwork":  second(db.RenameNetwork(exCtx, "Taken")),
			"RenameThread":   second(db.RenameThread(exCtx, th.ID, "Taken")),
			"UpdateMember":   second(db.UpdateMember(exCtx, coord.ID, sharefair.MemberUpdate{Bio: &bio})),
			"CreateMember": second(db.CreateMember(exCtx, sharefair.NewMember{Email: "n@example.org", Handle: "newbie",
				Name: "N", Password: "long enough pw"})),
		} {
			if code := sharefair.ErrorCode(err); code != sharefair.EFORBIDDEN {
				t.Errorf("%s by an admin stood down, as their session still says admin: %v, want forbidden", what, err)
			}
		}
		_, _, err := db.CreateInvitation(exCtx, sharefair.NewInvitation{Email: "x@example.org"})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)

		// Taken away while the write runs: the write waits for the change
		// and honours it, on either engine.
		for _, tc := range []struct {
			name   string
			revoke string
			args   []any
			write  func() error
		}{
			{"AdminStoodDown", `UPDATE members SET role = 'member' WHERE id = $1`, []any{admin.ID},
				func() error { return second(db.CreateHub(testutil.As(admin), sharefair.NewHub{Name: "Quito"})) }},
			{"CoordinatorStoodDown", `UPDATE hub_members SET role = 'member' WHERE member_id = $1`, []any{coord.ID},
				func() error {
					return second(db.UpdateHub(testutil.As(coord), rome.Slug, sharefair.HubUpdate{Name: &name}))
				}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tx, err := db.BeginWrite(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				if _, err := tx.ExecContext(ctx, tc.revoke, tc.args...); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- tc.write() }()
				select {
				case err := <-done:
					t.Fatalf("the write did not wait for the change of rights (%v)", err)
				case <-time.After(300 * time.Millisecond):
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				select {
				case err := <-done:
					testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
				case <-time.After(10 * time.Second):
					t.Fatal("the write never finished")
				}
			})
		}
	})
}

// second returns the error of a call that also returns a value.
func second[T any](_ T, err error) error { return err }

// TestUniqueViolationsAreConflicts checks that a value taken while a write
// runs (which its own check cannot see yet) is answered as a conflict on
// the field, as the database's unique index finds it, on either engine;
// and that nothing of the refused write is kept.
func TestUniqueViolationsAreConflicts(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		_, token, err := db.CreateInvitation(testutil.As(admin), sharefair.NewInvitation{Email: "carla@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		insertMember := `INSERT INTO members (email, handle, name, role, password_hash, created_at, updated_at)
			VALUES ($1, $2, 'Taken', 'member', 'x', $3, $3)`
		now := time.Now().UTC()
		taken := "taken"
		for _, tc := range []struct {
			name, field string
			take        string
			args        []any
			write       func() error
		}{
			{"CreateMemberHandle", "handle", insertMember, []any{"h1@example.org", "dora", now},
				func() error {
					return second(db.CreateMember(testutil.Operator(), sharefair.NewMember{Email: "dora@example.org",
						Handle: "dora", Name: "Dora", Password: "long enough pw"}))
				}},
			{"CreateMemberEmail", "email", insertMember, []any{"eve@example.org", "h2", now},
				func() error {
					return second(db.CreateMember(testutil.As(admin), sharefair.NewMember{Email: "eve@example.org",
						Handle: "eve", Name: "Eve", Password: "long enough pw"}))
				}},
			{"AcceptInvitationHandle", "handle", insertMember, []any{"h3@example.org", "carla", now},
				func() error {
					return second(db.AcceptInvitation(ctx, token, sharefair.Acceptance{Name: "Carla", Handle: "carla",
						Password: "long enough pw"}))
				}},
			{"UpdateMemberHandle", "handle", insertMember, []any{"h4@example.org", taken, now},
				func() error {
					return second(db.UpdateMember(testutil.As(bob), bob.ID, sharefair.MemberUpdate{Handle: &taken}))
				}},
			{"CreateHubSlug", "slug", `INSERT INTO hubs (slug, name, created_at) VALUES ($1, 'Taken', $2)`, []any{"rome", now},
				func() error { return second(db.CreateHub(testutil.As(admin), sharefair.NewHub{Name: "Rome"})) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tx, err := db.BeginWrite(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				if _, err := tx.ExecContext(ctx, tc.take, tc.args...); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- tc.write() }()
				time.Sleep(300 * time.Millisecond) // the write reaches the taken value
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				var werr error
				select {
				case werr = <-done:
				case <-time.After(10 * time.Second):
					t.Fatal("the write never finished")
				}
				testutil.AssertCode(t, werr, sharefair.ECONFLICT)
				if f := sharefair.ErrorFields(werr); f[tc.field] == "" {
					t.Fatalf("conflict fields = %v, want %s (%v)", f, tc.field, werr)
				}
			})
		}
		// The refused acceptance used up nothing: the invitation still works.
		if _, err := db.FindInvitationByToken(ctx, token); err != nil {
			t.Fatalf("invitation after a refused acceptance: %v", err)
		}
		if m, err := db.FindMemberByID(testutil.As(bob), bob.ID); err != nil || m.Handle != "bob" {
			t.Fatalf("bob after a refused rename: %+v, %v", m, err)
		}
	})
	// Setup names the network and creates its first admin at once: a
	// handle taken meanwhile leaves the network not set up.
	t.Run("Setup", func(t *testing.T) {
		testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
			ctx := context.Background()
			if ok, err := db.PrepareSetup(ctx, "ABCD-EFGH-IJKL"); err != nil || !ok {
				t.Fatalf("PrepareSetup = %v, %v", ok, err)
			}
			tx, err := db.BeginWrite(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, `INSERT INTO members (email, handle, name, role, password_hash, created_at, updated_at)
			VALUES ('someone@example.org', 'ada', 'Taken', 'member', 'x', $1, $1)`, time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				done <- second(db.Setup(ctx, sharefair.Setup{Code: "ABCD-EFGH-IJKL", NetworkName: "KM Rome", Email: "ada@example.org",
					Handle: "ada", Name: "Ada", Password: "a long enough password"}))
			}()
			time.Sleep(300 * time.Millisecond)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			err = <-done
			testutil.AssertCode(t, err, sharefair.ECONFLICT)
			if f := sharefair.ErrorFields(err); f["handle"] == "" {
				t.Fatalf("conflict fields = %v, want handle (%v)", f, err)
			}
			if n, err := db.Network(ctx); err != nil || n.SetUp || n.Name != "" {
				t.Fatalf("network after a refused setup = %+v, %v", n, err)
			}
		})
	})
}

// TestOpenPathWithURISymbols checks that a SQLite path holding characters
// a file: URI reads as syntax ("#", "?", "%") opens the database at that
// very path, with its settings, not another one cut short.
func TestOpenPathWithURISymbols(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "km#rome?x=1%20")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sharefair.db")
	db, err := store.Open(context.Background(), store.Options{URL: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no database at %s: %v", path, err)
	}
	var fk int
	var journal string
	if err := db.QueryRow(context.Background(), "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	if err := db.QueryRow(context.Background(), "PRAGMA journal_mode").Scan(&journal); err != nil || journal != "wal" {
		t.Fatalf("journal_mode = %q, %v", journal, err)
	}
}
