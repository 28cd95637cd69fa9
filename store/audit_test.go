package store_test

import (
	"context"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestAuditLogAppendOnly checks that the database itself refuses to change
// or remove what the audit log holds, on both engines, whatever code runs.
func TestAuditLogAppendOnly(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := testutil.MustCreateMember(t, db, "ada", sharefair.RoleAdmin)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		if err := db.AppendAudit(ctx, ada.ID, string(sharefair.AuditSuspend), bob.ID); err != nil {
			t.Fatalf("append = %v", err)
		}
		if err := db.AppendAudit(ctx, ada.ID, "made_up", bob.ID); err == nil {
			t.Fatal("an unknown action was written")
		}
		if err := db.Exec(ctx, `UPDATE audit_log SET action = 'reinstate'`); err == nil {
			t.Fatal("an audit entry was changed")
		}
		if err := db.Exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("an audit entry was deleted")
		}
		var n int
		var action string
		if err := db.QueryRow(ctx, `SELECT COUNT(*), MIN(action) FROM audit_log`).Scan(&n, &action); err != nil {
			t.Fatal(err)
		}
		if n != 1 || action != string(sharefair.AuditSuspend) {
			t.Fatalf("log holds %d entries, first %q; want the one suspension", n, action)
		}
	})
}
