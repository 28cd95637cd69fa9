package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/jobs"
)

// browserSignIn signs m in on a new browser.
func browserSignIn(t *testing.T, s *testutil.Server, m *sharefair.Member) *browser.Browser {
	t.Helper()
	b := browser.Start(t, s.URL)
	signInOn(t, b, m)
	return b
}

// signInOn signs m in on browser b through the sign-in form, as a person
// would; nobody may be signed in on b.
func signInOn(t *testing.T, b *browser.Browser, m *sharefair.Member) {
	t.Helper()
	if st := b.Open("/signin"); st != http.StatusOK {
		t.Fatalf("open /signin = %d", st)
	}
	b.Type("#f-email", m.Email)
	b.Type("#f-password", memberPassword)
	if st := b.Click(`form[action="/signin"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("sign in %s = %d", m.Handle, st)
	}
}

// signOut signs out whoever is signed in on b with the button every page
// shows, so that the next person can sign in on the same browser.
func signOut(t *testing.T, b *browser.Browser) {
	t.Helper()
	if st := b.Click(`form[action="/signout"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("sign out = %d", st)
	}
}

// checkBothWidths checks the page open in b with axe in both themes
// (CheckAccessibility does so at phone and desktop width, with
// screenshots when they are asked for).
func checkBothWidths(b *browser.Browser, name string) {
	b.CheckAccessibility(name)
}

// TestBrowserModeration: in a real browser, a member flags an anonymous
// reply through the form, the hub's coordinator finds it in the queue and
// hides it, and a network admin sees the entry in the audit log; each
// page passes axe in both themes at phone and desktop width.
func TestBrowserModeration(t *testing.T) {
	browser.RequireAxe(t)
	s := testutil.NewServer(t, testutil.Engines[0])
	rome := testutil.MustCreateHub(t, s.DB, s.Admin, "Rome")
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	cora := testutil.MustCreateMember(t, s.DB, "cora", sharefair.RoleMember)
	dan := testutil.MustCreateMember(t, s.DB, "dan", sharefair.RoleMember)
	for _, m := range []*sharefair.Member{ann, cora, dan} {
		testutil.MustJoin(t, s.DB, m, rome)
	}
	if _, err := s.DB.SetCoordinator(testutil.As(s.Admin), "rome", "cora", true); err != nil {
		t.Fatal(err)
	}
	th := testutil.MustCreateThread(t, s.DB, ann, rome, "Rome: sharing what went wrong", "What did we learn this year?")
	anon, err := s.DB.WritePost(testutil.As(dan), th.ID, sharefair.NewPost{Body: "An unkind reply.", Attribution: sharefair.AttributionAnonymous})
	if err != nil {
		t.Fatal(err)
	}
	postPath := "/posts/" + itoa(anon.ID)

	b := browserSignIn(t, s, ann)
	b.Open("/threads/" + itoa(th.ID))
	if st := b.Click(`a[href="` + postPath + `/flag"]`); st != http.StatusOK {
		t.Fatalf("open the flag form = %d", st)
	}
	checkBothWidths(b, "flag form")
	b.Choose("#f-reason", "abusive")
	b.Type("#f-note", "Unkind to a new member.")
	if st := b.Click(`form[action="` + postPath + `/flag"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("flag = %d", st)
	}
	if !strings.Contains(b.Text("main"), "You flagged this post") {
		t.Fatal("the flagger is not shown their flag")
	}

	b = browserSignIn(t, s, cora)
	if st := b.Click(`nav a[href="/moderation"]`); st != http.StatusOK {
		t.Fatalf("open the queue = %d", st)
	}
	if b.Count("section.card") != 1 || strings.Contains(b.Text("main"), "dan") {
		t.Fatalf("queue = %q", b.Text("main"))
	}
	checkBothWidths(b, "moderation queue")
	if st := b.Click(`section.card a[href="` + postPath + `/moderate"]`); st != http.StatusOK {
		t.Fatalf("open the moderation page = %d", st)
	}
	checkBothWidths(b, "moderate a post")
	b.Choose("#f-reason", "abusive")
	if st := b.Click(`form[action="` + postPath + `/hide"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("hide = %d", st)
	}
	if !strings.Contains(b.Text("main"), "The post is hidden") {
		t.Fatalf("after hiding: %q", b.Text("main"))
	}
	checkBothWidths(b, "thread with a hidden post, for its moderator")

	b = browserSignIn(t, s, s.Admin)
	if st := b.Open("/admin/audit"); st != http.StatusOK {
		t.Fatalf("open the audit log = %d", st)
	}
	if b.Count(`tbody tr`) != 1 || !b.Has(`td a[href="`+postPath+`"]`) || !strings.Contains(b.Text("tbody"), "Hid a post") {
		t.Fatalf("audit log = %q", b.Text("main"))
	}
	checkBothWidths(b, "audit log")

	// The background jobs: the notifications of what was done, their
	// mail waiting for a relay, and a kind with a failure.
	s.RunJobs(t)
	ctx := context.Background()
	if _, _, err := s.DB.EnqueueJob(ctx, jobs.New{Kind: "sweep"}); err != nil {
		t.Fatal(err)
	}
	if js, err := s.DB.ClaimJobs(ctx, "w", []string{"sweep"}, 1, time.Minute); err != nil || len(js) != 1 {
		t.Fatalf("claim: %v %v", js, err)
	} else if err := s.DB.FailJob(ctx, js[0].ID, "w", "database is locked", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if st := b.Open("/admin/jobs"); st != http.StatusOK || b.Count(`tbody tr`) != 3 || !strings.Contains(b.Text("tbody"), "Notifications") {
		t.Fatalf("open the jobs page = %d: %q", st, b.Text("main"))
	}
	checkBothWidths(b, "background jobs")
}
