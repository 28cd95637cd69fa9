package store_test

import (
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestReadersKey: readers who neither moderate nor flagged anything share
// one key, its moderators another; a flagger's view is theirs alone.
func TestReadersKey(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		coord := testutil.MustCreateMember(t, db, "coord", sharefair.RoleMember)
		reader := testutil.MustCreateMember(t, db, "reader", sharefair.RoleMember)
		other := testutil.MustCreateMember(t, db, "other", sharefair.RoleMember)
		flagger := testutil.MustCreateMember(t, db, "flagger", sharefair.RoleMember)
		rome := testutil.MustCreateHub(t, db, admin, "Rome")
		for _, m := range []*sharefair.Member{coord, reader, other, flagger} {
			testutil.MustJoin(t, db, m, rome)
		}
		if _, err := db.SetCoordinator(testutil.As(admin), rome.Slug, "coord", true); err != nil {
			t.Fatal(err)
		}
		th := testutil.MustCreateThread(t, db, other, rome, "Shared", "Words.")
		posts, _, err := db.FindPosts(testutil.As(other), th.ID, sharefair.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.FlagPost(testutil.As(flagger), posts[0].ID, sharefair.NewFlag{Reason: sharefair.FlagSpam}); err != nil {
			t.Fatal(err)
		}
		key := func(m *sharefair.Member) string {
			got, err := db.FindThreadByID(testutil.As(m), th.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.ReadersKey
		}
		if a, b := key(reader), key(other); a == "" || a != b {
			t.Errorf("plain readers' keys = %q and %q, want one shared key", a, b)
		}
		if a, b := key(coord), key(admin); a == "" || a != b || a == key(reader) {
			t.Errorf("moderators' keys = %q and %q, readers' %q: want one of their own", a, b, key(reader))
		}
		if k := key(flagger); k != "" {
			t.Errorf("the flagger's key = %q, want their view kept for them alone", k)
		}
	})
}
