package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

const testPassword = "correct horse battery" // MustCreateMember's

func TestSessionList(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clock := &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		ctx := context.Background()
		first, err := db.CreateSession(ctx, bob.ID, sharefair.SessionClient{Address: "192.0.2.7",
			Agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0\x00" + strings.Repeat("x", 400)})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		second, _ := db.CreateSession(ctx, bob.ID, sharefair.SessionClient{Address: "198.51.100.1", Agent: "curl/8"})
		annSession, _ := db.CreateSession(ctx, ann.ID, sharefair.SessionClient{})

		ss, err := db.FindSessions(testutil.As(bob), second)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 2 || !ss[0].Current || ss[1].Current || ss[0].Client.Address != "198.51.100.1" ||
			ss[1].Client.Address != "192.0.2.7" || !ss[1].CreatedAt.Equal(clock.T.Add(-time.Minute)) {
			t.Fatalf("sessions = %+v %+v", ss[0], ss[len(ss)-1])
		}
		if a := ss[1].Client.Agent; len(a) > sharefair.MaxUserAgentLen || strings.ContainsRune(a, 0) || !strings.HasPrefix(a, "Mozilla/5.0") {
			t.Errorf("agent kept as %q", a)
		}
		t.Run("ErrOthersSessionNotFound", func(t *testing.T) {
			theirs, _ := db.FindSessions(testutil.As(ann), "")
			if len(theirs) != 1 || theirs[0].Current {
				t.Fatalf("ann's sessions = %+v", theirs)
			}
			testutil.AssertCode(t, db.EndSession(testutil.As(bob), theirs[0].Ref), sharefair.ENOTFOUND)
			testutil.AssertCode(t, db.EndSession(testutil.As(bob), "nope\x00"), sharefair.ENOTFOUND)
			if _, err := db.MemberBySession(ctx, annSession); err != nil {
				t.Fatalf("ann's session ended by bob: %v", err)
			}
		})
		t.Run("EndOne", func(t *testing.T) {
			if err := db.EndSession(testutil.As(bob), ss[1].Ref); err != nil {
				t.Fatal(err)
			}
			_, err := db.MemberBySession(ctx, first)
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
			if _, err := db.MemberBySession(ctx, second); err != nil {
				t.Fatalf("the other session ended too: %v", err)
			}
			testutil.AssertCode(t, db.EndSession(testutil.As(bob), ss[1].Ref), sharefair.ENOTFOUND)
		})
		_, err = db.FindSessions(context.Background(), "")
		testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
	})
}

func TestSessionsBounded(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clock := &testutil.Clock{T: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		ctx := context.Background()
		var secrets []string
		for i := 0; i < sharefair.MaxSessions+2; i++ {
			s, err := db.CreateSession(ctx, bob.ID, sharefair.SessionClient{})
			if err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, s)
			clock.Advance(time.Second)
		}
		for i, s := range secrets {
			_, err := db.MemberBySession(ctx, s)
			if i < 2 {
				testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
			} else if err != nil {
				t.Errorf("session %d of %d ended: %v", i+1, len(secrets), err)
			}
		}
		ss, err := db.FindSessions(testutil.As(bob), "")
		if err != nil || len(ss) != sharefair.MaxSessions {
			t.Fatalf("%d sessions (%v), want %d", len(ss), err, sharefair.MaxSessions)
		}
	})
}

func TestTokensBounded(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		// Created at once, they still stop at the bound.
		var wg sync.WaitGroup
		errs := make([]error, sharefair.MaxTokens+5)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, _, errs[i] = db.CreateToken(testutil.As(bob), bob.ID, "script")
			}(i)
		}
		wg.Wait()
		refused := 0
		for _, err := range errs {
			if err != nil {
				testutil.AssertCode(t, err, sharefair.ECONFLICT)
				if !strings.Contains(sharefair.ErrorFields(err)["name"], "revoke one") {
					t.Errorf("refusal says %v", sharefair.ErrorFields(err))
				}
				refused++
			}
		}
		ts, _ := db.FindTokens(testutil.As(bob))
		if refused != 5 || len(ts) != sharefair.MaxTokens {
			t.Fatalf("%d refused, %d held; want 5 and %d", refused, len(ts), sharefair.MaxTokens)
		}
		_, _, err := db.CreateToken(testutil.Operator(), bob.ID, "one more")
		testutil.AssertCode(t, err, sharefair.ECONFLICT)
		if err := db.RevokeToken(testutil.As(bob), ts[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.CreateToken(testutil.As(bob), bob.ID, "after revoking"); err != nil {
			t.Fatalf("after revoking one: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		ctx := context.Background()
		here, _ := db.CreateSession(ctx, bob.ID, sharefair.SessionClient{})
		there, _ := db.CreateSession(ctx, bob.ID, sharefair.SessionClient{})
		annSession, _ := db.CreateSession(ctx, ann.ID, sharefair.SessionClient{})
		const fresh = "a brand new passphrase"

		t.Run("ErrWrongCurrent", func(t *testing.T) {
			err := db.ChangePassword(testutil.As(bob), sharefair.PasswordChange{Current: "wrong one!", New: fresh, KeepSession: here})
			testutil.AssertCode(t, err, sharefair.EINVALID)
			if sharefair.ErrorFields(err)["current_password"] == "" {
				t.Fatalf("fields = %v", sharefair.ErrorFields(err))
			}
		})
		t.Run("ErrNewTooShort", func(t *testing.T) {
			err := db.ChangePassword(testutil.As(bob), sharefair.PasswordChange{Current: testPassword, New: "short", KeepSession: here})
			testutil.AssertCode(t, err, sharefair.EINVALID)
			if sharefair.ErrorFields(err)["new_password"] == "" {
				t.Fatalf("fields = %v", sharefair.ErrorFields(err))
			}
		})
		t.Run("ErrSignedOut", func(t *testing.T) {
			err := db.ChangePassword(ctx, sharefair.PasswordChange{Current: testPassword, New: fresh})
			testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
		})
		// Nothing refused changed anything.
		for _, s := range []string{here, there} {
			if _, err := db.MemberBySession(ctx, s); err != nil {
				t.Fatalf("a refused change ended a session: %v", err)
			}
		}
		if _, err := db.Authenticate(ctx, bob.Email, testPassword); err != nil {
			t.Fatalf("a refused change changed the password: %v", err)
		}

		if err := db.ChangePassword(testutil.As(bob), sharefair.PasswordChange{Current: testPassword, New: fresh, KeepSession: here}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MemberBySession(ctx, here); err != nil {
			t.Fatalf("the session it was changed from ended: %v", err)
		}
		_, err := db.MemberBySession(ctx, there)
		testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
		if _, err := db.MemberBySession(ctx, annSession); err != nil {
			t.Fatalf("another member's session ended: %v", err)
		}
		_, err = db.Authenticate(ctx, bob.Email, testPassword)
		testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
		if _, err := db.Authenticate(ctx, bob.Email, fresh); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
		// From a script (no session kept), every session ends.
		if err := db.ChangePassword(testutil.As(bob), sharefair.PasswordChange{Current: fresh, New: testPassword}); err != nil {
			t.Fatal(err)
		}
		_, err = db.MemberBySession(ctx, here)
		testutil.AssertCode(t, err, sharefair.EUNAUTHORIZED)
	})
}

func TestUpdateNetwork(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		n, err := db.Network(context.Background())
		if err != nil || n.TimeZone != sharefair.DefaultTimeZone || n.Description != "" {
			t.Fatalf("network before = %+v, %v", n, err)
		}
		name := n.Name
		desc, zone := "  Practitioners of knowledge management.\r\n\r\nMeet monthly.  ", "Europe/Rome"
		_, err = db.UpdateNetwork(testutil.As(bob), sharefair.NetworkUpdate{Description: &desc})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)

		n, err = db.UpdateNetwork(testutil.As(admin), sharefair.NetworkUpdate{Description: &desc, TimeZone: &zone})
		if err != nil {
			t.Fatal(err)
		}
		if n.Description != "Practitioners of knowledge management.\n\nMeet monthly." || n.TimeZone != "Europe/Rome" || n.Name != name {
			t.Fatalf("network = %+v", n)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			long, badZone := strings.Repeat("a", sharefair.MaxNetworkDescLen+1), "Mars/Olympus"
			_, err := db.UpdateNetwork(testutil.As(admin), sharefair.NetworkUpdate{Description: &long, TimeZone: &badZone})
			testutil.AssertCode(t, err, sharefair.EINVALID)
			if f := sharefair.ErrorFields(err); f["description"] == "" || f["time_zone"] == "" {
				t.Fatalf("fields = %v", f)
			}
			if n, _ := db.Network(context.Background()); n.TimeZone != "Europe/Rome" || !strings.HasPrefix(n.Description, "Practitioners") {
				t.Fatalf("a refused update changed the network: %+v", n)
			}
		})
		// Renaming leaves the rest alone.
		if n, err = db.RenameNetwork(testutil.As(admin), "KM Rome"); err != nil || n.TimeZone != "Europe/Rome" || n.Name != "KM Rome" {
			t.Fatalf("rename = %+v, %v", n, err)
		}
	})
}

func TestSetupTimeZoneAndDescription(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.PrepareSetup(ctx, "ABCD-EFGH-IJKL"); err != nil {
			t.Fatal(err)
		}
		s := sharefair.Setup{Code: "ABCD-EFGH-IJKL", NetworkName: "KM Rome", Email: "ada@example.org",
			Handle: "ada", Name: "Ada", Password: "a long enough password", TimeZone: "Nowhere/Land"}
		_, err := db.Setup(ctx, s)
		testutil.AssertCode(t, err, sharefair.EINVALID)
		if sharefair.ErrorFields(err)["time_zone"] == "" {
			t.Fatalf("fields = %v", sharefair.ErrorFields(err))
		}
		s.TimeZone, s.NetworkDescription = "Africa/Nairobi", "For KM people."
		if _, err := db.Setup(ctx, s); err != nil {
			t.Fatal(err)
		}
		n, err := db.Network(ctx)
		if err != nil || n.TimeZone != "Africa/Nairobi" || n.Description != "For KM people." {
			t.Fatalf("network = %+v, %v", n, err)
		}
	})
}
