package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestPasswordReset: a reset link sets a new password once, ends every
// session of the member, is replaced by a newer one, expires, and is made
// at the console alone, for active members only.
func TestPasswordReset(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &testutil.Clock{T: time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)}
		db.Now = clock.Now
		m := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		session, err := db.CreateSession(ctx, m.ID, sharefair.SessionClient{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreatePasswordReset(testutil.As(admin), m.Email)
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		_, err = db.CreatePasswordReset(testutil.Operator(), "nobody@example.org")
		testutil.AssertCode(t, err, sharefair.ENOTFOUND)

		old, err := db.CreatePasswordReset(testutil.Operator(), m.Email)
		if err != nil {
			t.Fatal(err)
		}
		link, err := db.CreatePasswordReset(testutil.Operator(), m.Email)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CheckPasswordReset(ctx, old); sharefair.ErrorCode(err) != sharefair.EINVALID {
			t.Fatalf("the replaced link: %v", err)
		}
		if err := db.CheckPasswordReset(ctx, link); err != nil {
			t.Fatalf("the newer link: %v", err)
		}
		err = db.ResetPassword(ctx, sharefair.PasswordReset{Token: link, Password: "short"})
		if sharefair.ErrorFields(err)["password"] == "" {
			t.Fatalf("a short password: %v", err)
		}
		if err := db.ResetPassword(ctx, sharefair.PasswordReset{Token: link, Password: "a new long password"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MemberBySession(ctx, session); sharefair.ErrorCode(err) != sharefair.EUNAUTHORIZED {
			t.Fatalf("the session from before the reset: %v", err)
		}
		if _, err := db.Authenticate(ctx, m.Email, "a new long password"); err != nil {
			t.Fatalf("sign in with the new password: %v", err)
		}
		err = db.ResetPassword(ctx, sharefair.PasswordReset{Token: link, Password: "another long password"})
		if sharefair.ErrorCode(err) != sharefair.EINVALID || sharefair.ErrorFields(err)["password"] != "" {
			t.Fatalf("the link used twice: %v", err)
		}
		expiring, err := db.CreatePasswordReset(testutil.Operator(), m.Email)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(sharefair.PasswordResetTTL + time.Second)
		if err := db.ResetPassword(ctx, sharefair.PasswordReset{Token: expiring, Password: "another long password"}); sharefair.ErrorCode(err) != sharefair.EINVALID {
			t.Fatalf("an expired link: %v", err)
		}
		if _, err := db.SetMemberState(testutil.As(admin), m.ID, sharefair.MemberSuspended); err != nil {
			t.Fatal(err)
		}
		_, err = db.CreatePasswordReset(testutil.Operator(), m.Email)
		testutil.AssertCode(t, err, sharefair.ECONFLICT)
	})
}
