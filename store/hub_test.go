package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// fieldError returns the message err gives for field, "" when none.
func fieldError(err error, field string) string {
	var e *sharefair.Error
	if errors.As(err, &e) {
		return e.Fields[field]
	}
	return ""
}

func TestHubDetails(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ctx := testutil.As(admin)

		t.Run("Defaults", func(t *testing.T) {
			h, err := db.CreateHub(ctx, sharefair.NewHub{Name: "Plain"})
			if err != nil {
				t.Fatal(err)
			}
			if h.TimeZone != "UTC" || h.JoinPolicy != sharefair.JoinOpen || h.City != "" || h.DescriptionHTML != "" {
				t.Fatalf("defaults: zone %q policy %q city %q html %q", h.TimeZone, h.JoinPolicy, h.City, h.DescriptionHTML)
			}
		})

		t.Run("NetworkZone", func(t *testing.T) {
			// A hub given no zone takes the network's, once it has one.
			zone := "Africa/Nairobi"
			if _, err := db.UpdateNetwork(ctx, sharefair.NetworkUpdate{TimeZone: &zone}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				utc := "UTC"
				if _, err := db.UpdateNetwork(ctx, sharefair.NetworkUpdate{TimeZone: &utc}); err != nil {
					t.Fatal(err)
				}
			})
			h, err := db.CreateHub(ctx, sharefair.NewHub{Name: "Nairobi", Slug: "nairobi"})
			if err != nil {
				t.Fatal(err)
			}
			if h.TimeZone != zone {
				t.Fatalf("a hub given no zone has %q, want the network's %q", h.TimeZone, zone)
			}
		})

		t.Run("OK", func(t *testing.T) {
			h, err := db.CreateHub(ctx, sharefair.NewHub{Name: "Rome", City: " Rome ", TimeZone: "Europe/Rome",
				Description: "We meet **monthly**, ask @admin.\n\n<script>alert(1)</script>", JoinPolicy: sharefair.JoinByRequest})
			if err != nil {
				t.Fatal(err)
			}
			if h.City != "Rome" || h.TimeZone != "Europe/Rome" || h.JoinPolicy != sharefair.JoinByRequest {
				t.Fatalf("hub = %+v", h)
			}
			if !strings.Contains(h.DescriptionHTML, "<strong>monthly</strong>") || strings.Contains(h.DescriptionHTML, "<script") ||
				!strings.Contains(h.DescriptionHTML, `href="/members/admin"`) {
				t.Fatalf("description HTML = %q", h.DescriptionHTML)
			}
			desc, city, zone := "Now *weekly*.", "Roma", "Europe/Vatican"
			h, err = db.UpdateHub(ctx, "rome", sharefair.HubUpdate{Description: &desc, City: &city, TimeZone: &zone})
			if err != nil {
				t.Fatal(err)
			}
			if h.DescriptionHTML != "<p>Now <em>weekly</em>.</p>\n" || h.City != "Roma" || h.TimeZone != "Europe/Vatican" {
				t.Fatalf("updated = %q %q %q", h.DescriptionHTML, h.City, h.TimeZone)
			}
			hubs, err := db.FindHubs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range hubs {
				if l.Slug == "rome" && (l.DescriptionHTML != h.DescriptionHTML || l.JoinPolicy != sharefair.JoinByRequest) {
					t.Fatalf("listed = %+v", l)
				}
			}
		})

		t.Run("ErrTimeZone", func(t *testing.T) {
			for _, z := range []string{"Mars/Olympus_Mons", "Local", "UTC+3", "../../etc/passwd", "europe/rome"} {
				_, err := db.CreateHub(ctx, sharefair.NewHub{Name: "Zone " + z, Slug: "zone", TimeZone: z})
				if fieldError(err, "time_zone") == "" {
					t.Errorf("time zone %q: err = %v", z, err)
				}
			}
			empty := ""
			_, err := db.UpdateHub(ctx, "plain", sharefair.HubUpdate{TimeZone: &empty})
			if fieldError(err, "time_zone") == "" {
				t.Errorf("empty time zone: err = %v", err)
			}
		})

		t.Run("ErrPolicyAndCity", func(t *testing.T) {
			_, err := db.CreateHub(ctx, sharefair.NewHub{Name: "Bad", JoinPolicy: "secret", City: "a\nb"})
			if fieldError(err, "join_policy") == "" || fieldError(err, "city") == "" {
				t.Fatalf("err = %v", err)
			}
			bad := sharefair.JoinPolicy("closed")
			_, err = db.UpdateHub(ctx, "plain", sharefair.HubUpdate{JoinPolicy: &bad})
			if fieldError(err, "join_policy") == "" {
				t.Fatalf("update err = %v", err)
			}
		})
	})
}

// TestRenderHubDescriptions checks that descriptions written before they
// were rendered on write are rendered when the database is opened.
func TestRenderHubDescriptions(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		testutil.MustCreateHub(t, db, admin, "Rome")
		if err := db.Exec(testutil.As(admin), `UPDATE hubs SET description = '**monthly**', description_html = ''`); err != nil {
			t.Fatal(err)
		}
		if err := db.RenderHubDescriptions(testutil.As(admin)); err != nil {
			t.Fatal(err)
		}
		h, err := db.FindHubBySlug(testutil.As(admin), "rome")
		if err != nil || h.DescriptionHTML != "<p><strong>monthly</strong></p>\n" {
			t.Fatalf("html = %q, %v", h.DescriptionHTML, err)
		}
	})
}

func TestJoinPolicies(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		coord := testutil.MustCreateMember(t, db, "coord", sharefair.RoleMember)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		bob := testutil.MustCreateMember(t, db, "bob", sharefair.RoleMember)
		outsider := testutil.MustCreateMember(t, db, "outsider", sharefair.RoleMember)
		hub := testutil.MustCreateHub(t, db, admin, "Rome")
		if _, err := db.SetCoordinator(testutil.As(admin), hub.Slug, "coord", true); err != nil {
			t.Fatal(err)
		}
		setPolicy := func(m *sharefair.Member, p sharefair.JoinPolicy, confirm bool) error {
			_, err := db.UpdateHub(testutil.As(m), hub.Slug, sharefair.HubUpdate{JoinPolicy: &p, ConfirmOpen: confirm})
			return err
		}
		find := func(m *sharefair.Member) *sharefair.Hub {
			t.Helper()
			h, err := db.FindHubBySlug(testutil.As(m), hub.Slug)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}

		// Only those who manage the hub set its policy.
		testutil.AssertCode(t, setPolicy(ann, sharefair.JoinByRequest, false), sharefair.EFORBIDDEN)
		if err := setPolicy(coord, sharefair.JoinByRequest, false); err != nil {
			t.Fatal(err)
		}
		if h := find(ann); h.JoinPolicy != sharefair.JoinByRequest || h.ViewerMayJoin || !h.ViewerMayRequest || h.ViewerMayAdmit {
			t.Fatalf("ann sees %+v", h)
		}

		// Asking to join records a request, once, and does not make a member.
		for _, want := range []sharefair.JoinOutcome{sharefair.Requested, sharefair.AlreadyRequested} {
			out, err := db.JoinHub(testutil.As(ann), hub.Slug)
			if err != nil || out != want {
				t.Fatalf("JoinHub = %q, %v; want %q", out, err, want)
			}
		}
		if out, err := db.JoinHub(testutil.As(bob), hub.Slug); err != nil || out != sharefair.Requested {
			t.Fatalf("bob JoinHub = %q, %v", out, err)
		}
		if h := find(ann); h.ViewerRole != "" || !h.ViewerRequested || h.ViewerMayRequest || h.MemberCount != 1 || h.PendingRequests != 0 {
			t.Fatalf("after request ann sees %+v", h)
		}
		if h := find(coord); h.PendingRequests != 2 || !h.ViewerMayAdmit {
			t.Fatalf("coord sees %d requests, may admit %v", h.PendingRequests, h.ViewerMayAdmit)
		}

		// Requests are for those who may admit.
		_, _, err := db.FindJoinRequests(testutil.As(ann), hub.Slug, sharefair.Page{})
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		testutil.AssertCode(t, errOf(db.DecideJoinRequest(testutil.As(ann), hub.Slug, "bob", true)), sharefair.EFORBIDDEN)
		reqs, total, err := db.FindJoinRequests(testutil.As(coord), hub.Slug, sharefair.Page{Size: 1})
		if err != nil || total != 2 || len(reqs) != 1 || reqs[0].Member.Handle != "ann" {
			t.Fatalf("requests = %v, %d, %v", reqs, total, err)
		}

		// Approving makes a member; declining does not; neither twice.
		if _, err := db.DecideJoinRequest(testutil.As(coord), hub.Slug, "ann", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideJoinRequest(testutil.As(admin), hub.Slug, "bob", false); err != nil {
			t.Fatal(err)
		}
		testutil.AssertCode(t, errOf(db.DecideJoinRequest(testutil.As(coord), hub.Slug, "bob", true)), sharefair.ENOTFOUND)
		testutil.AssertCode(t, errOf(db.DecideJoinRequest(testutil.As(coord), hub.Slug, "outsider", true)), sharefair.ENOTFOUND)
		if h := find(ann); h.ViewerRole != sharefair.HubRoleMember || h.MemberCount != 2 {
			t.Fatalf("approved ann sees %+v", h)
		}
		if h := find(bob); h.ViewerRole != "" || h.ViewerRequested {
			t.Fatalf("declined bob sees %+v", h)
		}

		// Leaving withdraws a request.
		if _, err := db.JoinHub(testutil.As(bob), hub.Slug); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LeaveHub(testutil.As(bob), hub.Slug); err != nil {
			t.Fatal(err)
		}
		if h := find(coord); h.PendingRequests != 0 {
			t.Fatalf("withdrawn request still counted: %d", h.PendingRequests)
		}

		// By invitation only: no joining, no asking; a network admin, who
		// reads every hub already, still joins.
		if err := setPolicy(coord, sharefair.JoinByInvitation, false); err != nil {
			t.Fatal(err)
		}
		if h := find(outsider); h.ViewerMayJoin || h.ViewerMayRequest {
			t.Fatalf("outsider sees %+v", h)
		}
		_, err = db.JoinHub(testutil.As(outsider), hub.Slug)
		testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		if h := find(admin); !h.ViewerMayJoin {
			t.Fatal("admin may not join an invitation-only hub")
		}
		if out, err := db.JoinHub(testutil.As(admin), hub.Slug); err != nil || out != sharefair.Joined {
			t.Fatalf("admin JoinHub = %q, %v", out, err)
		}

		// Opening a closed hub needs confirmation; closing it does not.
		err = setPolicy(coord, sharefair.JoinOpen, false)
		testutil.AssertCode(t, err, sharefair.EINVALID)
		if fieldError(err, "confirm_open") == "" {
			t.Fatalf("no confirm_open error: %v", err)
		}
		if h := find(coord); h.JoinPolicy != sharefair.JoinByInvitation {
			t.Fatalf("opened without confirmation: %s", h.JoinPolicy)
		}
		if err := setPolicy(coord, sharefair.JoinOpen, true); err != nil {
			t.Fatal(err)
		}
		if out, err := db.JoinHub(testutil.As(outsider), hub.Slug); err != nil || out != sharefair.Joined {
			t.Fatalf("outsider JoinHub open = %q, %v", out, err)
		}
		// Renaming an open hub needs no confirmation; nor does a change
		// that leaves the policy as it is.
		open := sharefair.JoinOpen
		if _, err := db.UpdateHub(testutil.As(coord), hub.Slug, sharefair.HubUpdate{JoinPolicy: &open}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestJoinWaitsForPolicy checks that joining reads the hub's policy as
// committed by a change in progress: closing a hub while someone joins
// either lets them in first or refuses them, never lets them in after.
func TestJoinWaitsForPolicy(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		admin := testutil.MustCreateMember(t, db, "admin", sharefair.RoleAdmin)
		ann := testutil.MustCreateMember(t, db, "ann", sharefair.RoleMember)
		hub := testutil.MustCreateHub(t, db, admin, "Rome")
		ctx := testutil.As(admin)
		tx, err := db.BeginWrite(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `UPDATE hubs SET join_policy = 'invitation' WHERE id = $1`, hub.ID); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := db.JoinHub(testutil.As(ann), hub.Slug); done <- err }()
		select {
		case err := <-done:
			t.Fatalf("the join did not wait for the change of policy (%v)", err)
		case <-time.After(300 * time.Millisecond):
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			testutil.AssertCode(t, err, sharefair.EFORBIDDEN)
		case <-time.After(10 * time.Second):
			t.Fatal("the join never finished")
		}
		if h, _ := db.FindHubBySlug(testutil.As(ann), hub.Slug); h.ViewerRole != "" || h.MemberCount != 0 {
			t.Fatalf("ann joined a closed hub: %+v", h)
		}
	})
}
