package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestBrowserSafeSharingJourney walks safe sharing end to end in a real
// browser: a member starts a secret circle and invites another, who
// accepts; the host starts a Chatham House discussion for the circle (the
// form saying so before it is sent), the other replies anonymously, the
// host flags the reply and, as the circle's host, hides it from the
// moderation queue; the audit log names that act to a network admin in
// the circle and not to one outside it. To a member outside the circle,
// the circle and the discussion are the same 404 as addresses that never
// existed, and nobody is shown who wrote the anonymous reply. Every page
// passes axe in both themes at phone and desktop width.
func TestBrowserSafeSharingJourney(t *testing.T) {
	browser.RequireAxe(t)
	s := testutil.NewServer(t, testutil.Engines[0])
	amina := testutil.MustCreateMember(t, s.DB, "amina", sharefair.RoleMember)
	kofi := testutil.MustCreateMember(t, s.DB, "kofi", sharefair.RoleMember)
	chidi := testutil.MustCreateMember(t, s.DB, "chidi", sharefair.RoleMember)
	ines := testutil.MustCreateMember(t, s.DB, "ines", sharefair.RoleAdmin)
	const circleName = "Night shift"

	// html is the whole page as the browser holds it, for what must not
	// be anywhere in it: not in the text, nor in an attribute.
	html := func(b *browser.Browser) string {
		t.Helper()
		return browser.Run(b, "read the page", chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	}
	// nameless fails the test if the page shown names kofi, who wrote the
	// anonymous reply.
	nameless := func(b *browser.Browser, who string) {
		t.Helper()
		if page := html(b); strings.Contains(page, kofi.Handle) || strings.Contains(page, kofi.Name) {
			t.Errorf("%s is shown who wrote the anonymous reply at %s:\n%s", who, b.Path(), b.Text("main"))
		}
	}

	// 1. Amina starts a secret circle.
	host := browserSignIn(t, s, amina)
	if st := host.Open("/circles/new"); st != http.StatusOK {
		t.Fatalf("open /circles/new = %d", st)
	}
	checkBothWidths(host, "new circle form")
	host.Type("#f-name", circleName)
	host.Type("#f-description", "For what went wrong at night.")
	host.Do("choose secret", chromedp.Click(chromedp.CSS("#f-kind-secret")))
	if st := host.Click(`form[action="/circles"] button[type="submit"]`); st != http.StatusOK || !strings.HasPrefix(host.Path(), "/circles/") {
		t.Fatalf("start circle = %d at %s", st, host.Path())
	}
	circlePath := host.Path()
	key := strings.TrimPrefix(circlePath, "/circles/")
	checkBothWidths(host, "secret circle page (host)")

	// 2. She invites Kofi, and Ines (a network admin), from its manage page.
	if st := host.Click(`a[href="` + circlePath + `/manage"]`); st != http.StatusOK {
		t.Fatalf("open manage = %d", st)
	}
	for _, handle := range []string{"kofi", "ines"} {
		host.Type("#f-handle", "@"+handle)
		if st := host.Click(`form[action="` + circlePath + `/invite"] button[type="submit"]`); st != http.StatusOK || host.Path() != circlePath+"/manage" {
			t.Fatalf("invite @%s = %d at %s", handle, st, host.Path())
		}
		if f := host.Text(".flash"); !strings.Contains(f, "@"+handle+" is invited") {
			t.Errorf("flash after inviting @%s = %q", handle, f)
		}
	}
	checkBothWidths(host, "circle manage page with invitations")

	// Kofi accepts on a browser of his own.
	other := browserSignIn(t, s, kofi)
	if st := other.Open("/circles"); st != http.StatusOK {
		t.Fatalf("open /circles = %d", st)
	}
	checkBothWidths(other, "circles page with an invitation")
	if st := other.Click(`form[action="` + circlePath + `/answer"] button[value="accept"]`); st != http.StatusOK || other.Path() != circlePath {
		t.Fatalf("accept = %d at %s", st, other.Path())
	}

	// 3. Amina starts a Chatham House discussion for the circle; the form
	// names the circle as its audience before she sends it.
	host.Open(circlePath)
	if st := host.Click(`a[href="/threads/new?circle=` + key + `"]`); st != http.StatusOK {
		t.Fatalf("open composer = %d", st)
	}
	if got := browser.Run(host, "read the chosen audience", chromedp.Evaluate[string](
		`document.querySelector('#f-audience').selectedOptions[0].textContent`)); !strings.Contains(got, circleName) {
		t.Errorf("the composer's audience reads %q, not the circle", got)
	}
	host.Type("#f-title", "Night handovers that failed")
	host.Choose("#f-rule", "chatham")
	host.Type("#f-body", "What did we miss at handover?")
	checkBothWidths(host, "composer for a secret circle under the Chatham House rule")
	if st := host.Click(`form[action="/threads"] button[type="submit"]`); st != http.StatusOK || !strings.HasPrefix(host.Path(), "/threads/") {
		t.Fatalf("post thread = %d at %s", st, host.Path())
	}
	threadPath := host.Path()
	if badge := host.Text(".thread-head .badge"); badge != circleName+" circle" {
		t.Errorf("audience badge = %q", badge)
	}
	if !strings.Contains(host.Text(".thread-head"), "Chatham House rule") {
		t.Errorf("the thread does not say it is under the Chatham House rule: %q", host.Text(".thread-head"))
	}

	// 4. Kofi finds it in the circle and replies anonymously.
	other.Open(circlePath)
	if st := other.Click(`a[href="` + threadPath + `"]`); st != http.StatusOK {
		t.Fatalf("open the thread from the circle = %d", st)
	}
	other.Type("#f-body", "I left without a word; I was ashamed.")
	other.Choose("#f-attribution", "anonymous")
	if st := other.Click(`form[action="` + threadPath + `/posts"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("reply = %d", st)
	}

	// 5. Amina sees the reply without its author, and flags it.
	host.Open(threadPath)
	posts := browser.Run(host, "read the posts' links", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.post a.when'), a => a.getAttribute('href'))`))
	if len(posts) != 2 {
		t.Fatalf("the thread shows %d posts, want 2", len(posts))
	}
	postPath := posts[1]
	nameless(host, "the circle's host")
	checkBothWidths(host, "chatham thread with an anonymous reply")
	if st := host.Click(`a[href="` + postPath + `/flag"]`); st != http.StatusOK {
		t.Fatalf("open the flag form = %d", st)
	}
	nameless(host, "the flagger")
	checkBothWidths(host, "flag form for an anonymous reply")
	host.Choose("#f-reason", "abusive")
	host.Type("#f-note", "Please check on them.")
	if st := host.Click(`form[action="` + postPath + `/flag"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("flag = %d", st)
	}
	if !strings.Contains(host.Text("main"), "You flagged this post") {
		t.Fatal("the flagger is not shown their flag")
	}

	// 6. As the circle's host, she finds the reply in the moderation queue
	// and hides it.
	if !host.Has(`nav a[href="/moderation"]`) {
		t.Fatal("the circle's host is not offered the moderation queue")
	}
	if st := host.Click(`nav a[href="/moderation"]`); st != http.StatusOK {
		t.Fatalf("open the queue = %d", st)
	}
	if host.Count("section.card") != 1 || !host.Has(`section.card a[href="`+postPath+`/moderate"]`) {
		t.Fatalf("queue = %q", host.Text("main"))
	}
	nameless(host, "the circle's host in the queue")
	checkBothWidths(host, "moderation queue for a circle host")
	if st := host.Click(`section.card a[href="` + postPath + `/moderate"]`); st != http.StatusOK {
		t.Fatalf("open the moderation page = %d", st)
	}
	nameless(host, "the circle's host moderating")
	checkBothWidths(host, "moderate an anonymous reply")
	host.Choose("#f-reason", "abusive")
	if st := host.Click(`form[action="` + postPath + `/hide"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("hide = %d", st)
	}
	if !strings.Contains(host.Text("main"), "The post is hidden") {
		t.Fatalf("after hiding: %q", host.Text("main"))
	}
	nameless(host, "the circle's host after hiding")
	checkBothWidths(host, "chatham thread with a hidden reply, for its host")

	// Chidi, outside the circle, gets for its address and the thread's the
	// very 404 of addresses that never existed.
	signOut(t, other)
	signInOn(t, other, chidi)
	notFound := func(path string) string {
		t.Helper()
		if st := other.Open(path); st != http.StatusNotFound {
			t.Errorf("%s for a member outside the circle = %d, want 404", path, st)
		}
		nameless(other, "a member outside the circle")
		return browser.Run(other, "read the title", chromedp.Title()) + "\n" + other.Text("main")
	}
	for _, pair := range [][2]string{{circlePath, "/circles/zzzzzzzzzz"}, {threadPath, "/threads/999999"}, {postPath, "/posts/999999"}} {
		if real, never := notFound(pair[0]), notFound(pair[1]); real != never {
			t.Errorf("%s reads\n%s\nbut %s, which never existed, reads\n%s", pair[0], real, pair[1], never)
		}
	}
	checkBothWidths(other, "not found")
	for _, path := range []string{"/circles", "/threads"} {
		other.Open(path)
		if strings.Contains(other.Text("main"), circleName) || other.Has(`a[href="`+threadPath+`"]`) {
			t.Errorf("%s shows the secret circle to a member outside it: %q", path, other.Text("main"))
		}
	}

	// 7. Ines, a network admin in the circle, accepts and reads the audit
	// log: the hide is named to her, and she too reads no author.
	signOut(t, other)
	signInOn(t, other, ines)
	other.Open("/circles")
	if st := other.Click(`form[action="` + circlePath + `/answer"] button[value="accept"]`); st != http.StatusOK || other.Path() != circlePath {
		t.Fatalf("ines accepts = %d at %s", st, other.Path())
	}
	other.Open(threadPath)
	nameless(other, "a network admin in the circle")
	if st := other.Open("/admin/audit"); st != http.StatusOK {
		t.Fatalf("open the audit log = %d", st)
	}
	if other.Count(`tbody tr`) != 1 || !other.Has(`td a[href="`+postPath+`"]`) || !strings.Contains(other.Text("tbody"), "Hid a post") {
		t.Errorf("audit log for an admin in the circle = %q", other.Text("main"))
	}
	nameless(other, "a network admin in the circle, in the audit log")
	checkBothWidths(other, "audit log naming a secret circle's content")

	// A network admin outside the circle sees that a hide happened, in a
	// secret circle, and nothing of what it was.
	signOut(t, other)
	signInOn(t, other, s.Admin)
	if st := other.Open("/admin/audit"); st != http.StatusOK {
		t.Fatalf("open the audit log = %d", st)
	}
	log := other.Text("main")
	if other.Count(`tbody tr`) != 1 || !strings.Contains(log, "Hid a post") || !strings.Contains(log, "someone in a secret circle") ||
		!strings.Contains(log, "that circle's content") {
		t.Errorf("audit log for an admin outside the circle = %q", log)
	}
	// Nor who hid it: that would say who hosts the circle.
	if page := html(other); strings.Contains(page, postPath) || strings.Contains(page, threadPath) || strings.Contains(page, circleName) ||
		strings.Contains(page, key) || strings.Contains(page, amina.Name) || strings.Contains(page, "@"+amina.Handle) {
		t.Errorf("the audit log names the secret circle's content to an admin outside it: %q", log)
	}
	nameless(other, "a network admin outside the circle")
	checkBothWidths(other, "audit log hiding a secret circle's content")
	for _, path := range []string{circlePath, threadPath, postPath} {
		if st := other.Open(path); st != http.StatusNotFound {
			t.Errorf("%s for a network admin outside the circle = %d, want 404", path, st)
		}
	}
}
