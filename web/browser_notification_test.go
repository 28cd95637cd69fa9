package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestBrowserNotifications follows a thread from its page in a real
// browser, sees the count in the navigation move when a reply comes, opens
// the notification and lands at the reply, and mutes the thread. Every
// page works without JavaScript and passes axe in both themes at both
// widths.
func TestBrowserNotifications(t *testing.T) {
	browser.RequireAxe(t)
	s := testutil.NewServer(t, testutil.Engines[0])
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
	th := testutil.MustCreateThread(t, s.DB, bob, nil, "Harvest from the Nairobi meetup", "What did we learn about pairing newcomers?")
	thread := "/threads/" + strconv.FormatInt(th.ID, 10)
	b := browser.Start(t, s.URL)
	signInOn(t, b, ann)

	if b.Has(".top .count") {
		t.Fatalf("a count before anything happened: %q", b.Text(".top nav"))
	}
	if got := b.Text("ul.threads .badge.new"); got != "New" {
		t.Errorf("a thread ann never opened is marked %q", got)
	}
	b.Open("/notifications")
	if !b.Has(".empty") {
		t.Errorf("no empty state on an empty notifications page")
	}
	b.CheckAccessibility("notifications empty")

	if st := b.Open(thread); st != http.StatusOK {
		t.Fatalf("open the thread = %d", st)
	}
	if got := b.Text("#follow p"); !strings.Contains(got, "Follow to be told") {
		t.Errorf("ann, who did not take part, is shown %q", got)
	}
	if st := b.Click(`#follow button[value="following"]`); st != http.StatusOK || !strings.HasPrefix(b.Path(), thread) {
		t.Fatalf("follow = %d at %s", st, b.Path())
	}
	if got := b.Text(".flash"); !strings.Contains(got, "You follow this discussion") {
		t.Errorf("after following, the flash says %q", got)
	}
	b.CheckAccessibility("thread followed")

	reply, err := s.DB.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "We learned to pair each newcomer with a host."})
	if err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t)
	b.Open("/")
	if got := b.Text(".top .count"); got != "1" {
		t.Fatalf("the count after a reply = %q", got)
	}
	if got := b.Text("ul.threads .badge.new"); got != "1 new" {
		t.Errorf("the thread is marked %q after one reply", got)
	}
	if st := b.Click(`.top a.bell`); st != http.StatusOK {
		t.Fatalf("open notifications = %d", st)
	}
	if got := b.Text("ul.notes li.unread"); !strings.Contains(got, "Member bob replied in") || !strings.Contains(got, "Nairobi") {
		t.Errorf("the notification says %q", got)
	}
	b.CheckAccessibility("notifications")

	if st := b.Click("ul.notes li.unread a"); st != http.StatusOK || !strings.HasPrefix(b.Path(), thread+"?page=1#p"+strconv.FormatInt(reply.ID, 10)) {
		t.Fatalf("open the notification = %d at %s, want the reply", st, b.Path())
	}
	if b.Has(".top .count") {
		t.Errorf("the count is still shown once the reply is read: %q", b.Text(".top .count"))
	}
	if !b.Has("#p" + strconv.FormatInt(reply.ID, 10) + ":target") {
		t.Errorf("the reply is not the page's target")
	}

	// Muted, the next reply is not told; the list still marks it.
	if st := b.Click(`#follow button[value="muted"]`); st != http.StatusOK {
		t.Fatalf("mute = %d", st)
	}
	if got := b.Text("#follow p"); !strings.Contains(got, "Muted") {
		t.Errorf("muted, the thread says %q", got)
	}
	if _, err := s.DB.WritePost(testutil.As(bob), th.ID, sharefair.NewPost{Body: "And to meet in pairs after."}); err != nil {
		t.Fatal(err)
	}
	s.RunJobs(t)
	b.Open("/")
	if b.Has(".top .count") {
		t.Errorf("muted, ann is told: %q", b.Text(".top .count"))
	}
	if got := b.Text("ul.threads .badge.new"); got != "1 new" {
		t.Errorf("muted, the thread is marked %q", got)
	}
	b.CheckAccessibility("home with a new reply")

	// How each kind arrives: replies in Sharefair only, from the page.
	if st := b.Open("/settings/notifications"); st != http.StatusOK {
		t.Fatalf("open the settings = %d", st)
	}
	b.Choose("#f-reply", "app")
	if st := b.Click(`form[action="/settings/notifications"] button[type="submit"]`); st != http.StatusOK ||
		!strings.Contains(b.Text(".flash"), "saved") || b.Value("#f-reply") != "app" {
		t.Fatalf("save the settings = %d: %q, replies %q", st, b.Text("main"), b.Value("#f-reply"))
	}
	b.CheckAccessibility("notification settings")
}

// TestBrowserMailPages: asking for a reset link when signed out, and the
// outbox as an admin sees it, in a real browser; both pass axe in both
// themes at both widths.
func TestBrowserMailPages(t *testing.T) {
	browser.RequireAxe(t)
	s := testutil.NewServer(t, testutil.Engines[0])
	ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
	b := browser.Start(t, s.URL)
	if st := b.Open("/signin"); st != http.StatusOK || !b.Has(`a[href="/forgot"]`) {
		t.Fatalf("the sign-in page = %d, and offers no reset", st)
	}
	if st := b.Click(`a[href="/forgot"]`); st != http.StatusOK {
		t.Fatalf("open /forgot = %d", st)
	}
	b.CheckAccessibility("forgot password")
	b.Type("#f-email", ann.Email)
	if st := b.Click(`form[action="/forgot"] button[type="submit"]`); st != http.StatusOK || !strings.Contains(b.Text("main"), "on its way") {
		t.Fatalf("ask for a link = %d: %q", st, b.Text("main"))
	}
	b.CheckAccessibility("forgot password sent")

	signInOn(t, b, s.Admin)
	if st := b.Open("/admin/outbox"); st != http.StatusOK || b.Count("tbody tr") != 1 || !strings.Contains(b.Text("tbody"), ann.Email) {
		t.Fatalf("the outbox = %d: %q", st, b.Text("main"))
	}
	if strings.Contains(b.Text("main"), "/reset/") {
		t.Fatal("the outbox shows a reset link")
	}
	b.CheckAccessibility("outbox")
}
