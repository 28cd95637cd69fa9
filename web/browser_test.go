package web_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// setupCode is the one-time setup code the test puts in the database, as
// the log would show it to the operator.
const setupCode = "KNOWN-CODE-1234"

// joinLink finds the invitation link in the flash message.
var joinLink = regexp.MustCompile(`https?://\S+/join/[A-Za-z0-9_-]+`)

// TestBrowserJourney walks the first hour of a network in a real browser,
// as people would: the operator sets it up, creates a hub and invites a
// colleague, who joins, starts a discussion in the hub and replies. Pages
// along the way, and a refused form, are checked with axe-core against
// WCAG 2.1 A/AA. The app ships no JavaScript; the test uses the DevTools
// protocol only to drive the browser and to run axe.
func TestBrowserJourney(t *testing.T) {
	browser.RequireAxe(t)
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e, testutil.WithoutAdmin())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if ok, err := s.DB.PrepareSetup(ctx, setupCode); err != nil || !ok {
				t.Fatalf("PrepareSetup = %v, %v", ok, err)
			}
			b := browser.Start(t, s.URL)
			journey(t, b)
		})
	}
}

func journey(t *testing.T, b *browser.Browser) {
	// A fresh network sends its first visitor to the setup page.
	if st := b.Open("/"); st != http.StatusOK || b.Path() != "/setup" {
		t.Fatalf("open / = %d at %s, want 200 at /setup", st, b.Path())
	}
	b.CheckAccessibility("the setup page")
	b.Type("#f-code", setupCode)
	b.Type("#f-network_name", "KM practitioners")
	b.Type("#f-name", "Ada Operator")
	b.Type("#f-handle", "ada")
	b.Type("#f-email", "ada@example.org")
	b.Type("#f-password", "correct horse battery")
	if st := b.Click(`form[action="/setup"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/" {
		t.Fatalf("submit setup = %d at %s, want 200 at /", st, b.Path())
	}
	// Home, with the setup checklist: the admin follows its hubs step.
	if !b.Has(`.checklist li:not(.done) a[href="/hubs/new"]`) {
		t.Fatalf("no setup checklist with its hubs step on the admin's home page")
	}
	b.CheckAccessibility("the home page with the setup checklist")
	if st := b.Click(`.checklist a[href="/hubs/new"]`); st != http.StatusOK || b.Path() != "/hubs/new" {
		t.Fatalf("checklist's hubs step = %d at %s, want 200 at /hubs/new", st, b.Path())
	}

	// The new admin creates the first hub.
	b.Type("#f-name", "Rome")
	b.Type("#f-slug", "rome")
	b.Type("#f-description", "Practitioners in and around Rome.")
	if st := b.Click(`form[action="/hubs"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/hubs/rome" {
		t.Fatalf("create hub = %d at %s, want 200 at /hubs/rome", st, b.Path())
	}
	if h1 := b.Text("h1"); h1 != "Rome" {
		t.Errorf("hub page heading = %q, want Rome", h1)
	}
	b.CheckAccessibility("the hub page (admin)")

	// …gives it a city and a time zone, and takes new members by request.
	if st := b.Open("/hubs/rome/edit"); st != http.StatusOK {
		t.Fatalf("open /hubs/rome/edit = %d", st)
	}
	b.Type("#f-city", "Rome")
	b.Choose("#f-time_zone", "Europe/Rome")
	b.Do("choose by request", chromedp.Click(chromedp.CSS("#f-join_policy-request")))
	b.CheckAccessibility("the hub's edit form")
	if st := b.Click(`form[action="/hubs/rome/edit"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/hubs/rome" {
		t.Fatalf("save hub = %d at %s, want 200 at /hubs/rome", st, b.Path())
	}
	if got := b.Text(".policy"); !strings.Contains(got, "by request") {
		t.Errorf("hub page says %q of its join policy", got)
	}
	// The hub's controls are on its manage page, reached from the hub.
	if st := b.Click(`a[href="/hubs/rome/manage"]`); st != http.StatusOK || b.Path() != "/hubs/rome/manage" {
		t.Fatalf("open the manage page = %d at %s", st, b.Path())
	}
	b.CheckAccessibility("the hub's manage page")
	if st := b.Click(`main a[href="/hubs/rome/coordinators"]`); st != http.StatusOK {
		t.Fatalf("open /hubs/rome/coordinators = %d", st)
	}
	b.CheckAccessibility("the hub's coordinators page")

	// …and invites a colleague to it from the invitations page.
	if st := b.Open("/invitations"); st != http.StatusOK {
		t.Fatalf("open /invitations = %d", st)
	}
	b.Type("#f-email", "grace@example.org")
	b.Choose("#f-hub", "rome")
	if st := b.Click(`form[action="/invitations"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/invitations" {
		t.Fatalf("create invitation = %d at %s, want 200 at /invitations", st, b.Path())
	}
	flash := b.Text(".flash")
	link := joinLink.FindString(flash)
	if link == "" || !strings.Contains(flash, "grace@example.org") {
		t.Fatalf("flash after inviting = %q, want the address and a /join/ link", flash)
	}
	b.CheckAccessibility("the invitations page with its flash message")

	// Signing out leaves the visitor at the sign-in page.
	if st := b.Click(`form[action="/signout"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/signin" {
		t.Fatalf("sign out = %d at %s, want 200 at /signin", st, b.Path())
	}
	if b.Has(`form[action="/signout"]`) {
		t.Fatalf("still signed in after signing out")
	}
	b.CheckAccessibility("the sign-in page")

	// The colleague follows the link and joins.
	if st := b.Open(link); st != http.StatusOK {
		t.Fatalf("open invitation link %s = %d", link, st)
	}
	if p := b.Text("main p"); !strings.Contains(p, "grace@example.org") || !strings.Contains(p, "Rome") {
		t.Errorf("join page says %q, want the invited address and the hub", p)
	}
	b.CheckAccessibility("the join page")
	b.Type("#f-name", "Grace Member")
	b.Type("#f-handle", "grace")
	b.Type("#f-password", "another good passphrase")
	if st := b.Click(`main form button[type="submit"]`); st != http.StatusOK || b.Path() != "/welcome" {
		t.Fatalf("join = %d at %s, want 200 at /welcome", st, b.Path())
	}
	if f := b.Text(".flash"); !strings.Contains(f, "Grace Member") {
		t.Errorf("welcome flash = %q, want the new member's name", f)
	}
	b.CheckAccessibility("the welcome page")
	if !b.Has(`.welcome-step a[href="/settings"]`) {
		t.Errorf("the welcome page does not lead to the profile")
	}

	// Now signed in as the new member: the home page.
	if st := b.Open("/"); st != http.StatusOK || b.Path() != "/" {
		t.Fatalf("open / as the member = %d at %s", st, b.Path())
	}
	b.CheckAccessibility("the home page")
	if !b.Has(`.side a[href="/hubs/rome"]`) {
		t.Errorf("the member's hubs on the home page do not list Rome")
	}

	// A discussion with no title is refused beside the field, the typed
	// post kept.
	const title = "Sharing lessons learnt across hubs"
	const body = "How do your hubs **record** what projects learnt?"
	const reply = "We keep a shared page per project, updated at each milestone."
	if st := b.Open("/threads/new"); st != http.StatusOK {
		t.Fatalf("open /threads/new = %d", st)
	}
	b.Choose("#f-audience", "hub:rome")
	b.Type("#f-body", body)
	if st := b.Click(`form[action="/threads"] button[type="submit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("start a discussion with no title = %d, want 422", st)
	}
	if !b.Has(`.problem[role="alert"]`) {
		t.Errorf("refused form has no problem summary")
	}
	if msg := b.Text("#f-title-error"); msg == "" {
		t.Errorf("no message beside the title field")
	}
	if b.Count(".field.invalid > #f-title-error ~ #f-title") != 1 {
		t.Errorf("the title's message is not in the title's field, before the control")
	}
	// Screen readers announce the field as invalid, and read the message
	// with it, only with aria-invalid="true" and aria-describedby naming
	// the message: an empty aria-invalid means "false".
	attrs := browser.Run(b, "read the title's attributes", chromedp.Attributes(chromedp.CSS("#f-title")))
	if attrs["aria-invalid"] != "true" || !slices.Contains(strings.Fields(attrs["aria-describedby"]), "f-title-error") {
		t.Errorf(`title control has aria-invalid=%q aria-describedby=%q, want "true" and one naming f-title-error`,
			attrs["aria-invalid"], attrs["aria-describedby"])
	}
	if got := strings.TrimSpace(b.Value("#f-body")); got != body {
		t.Errorf("body after refusal = %q, want the typed %q", got, body)
	}
	if got := b.Value("#f-audience"); got != "hub:rome" {
		t.Errorf("audience after refusal = %q, want hub:rome", got)
	}
	b.CheckAccessibility("the new-discussion form with an error")

	// Given a title, the discussion starts and its page shows it.
	b.Type("#f-title", title)
	if st := b.Click(`form[action="/threads"] button[type="submit"]`); st != http.StatusOK || !strings.HasPrefix(b.Path(), "/threads/") {
		t.Fatalf("start a discussion = %d at %s, want 200 at /threads/{id}", st, b.Path())
	}
	threadPath := b.Path()
	if h1 := b.Text("h1"); h1 != title {
		t.Errorf("thread heading = %q, want %q", h1, title)
	}

	// The member replies on the thread page.
	b.Type("#f-body", reply)
	if st := b.Click(`form[action$="/posts"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("reply = %d at %s", st, b.Path())
	}
	if p := b.Path(); !strings.HasPrefix(p, strings.SplitN(threadPath, "#", 2)[0]) {
		t.Errorf("after replying the browser is at %s, want the thread %s", p, threadPath)
	}
	bodies := b.Texts(".post .body")
	authors := b.Texts(".post .by a:first-child")
	if len(bodies) != 2 || len(authors) != 2 {
		t.Fatalf("thread shows posts %q by %q, want 2 posts", bodies, authors)
	}
	if !strings.Contains(bodies[0], "How do your hubs record what projects learnt?") {
		t.Errorf("first post = %q, want the opening post's text (Markdown rendered)", bodies[0])
	}
	if b.Count(".post .body strong") != 1 {
		t.Errorf("the opening post's **record** is not rendered as <strong>")
	}
	if !strings.Contains(bodies[1], reply) {
		t.Errorf("reply = %q, want %q", bodies[1], reply)
	}
	if authors[1] != "Grace Member" {
		t.Errorf("reply's author = %q, want Grace Member", authors[1])
	}
	b.CheckAccessibility("the thread page")

	// A discussion under the Chatham House rule, and an anonymous reply
	// in it: the member sees their own posts as theirs.
	if st := b.Open("/threads/new"); st != http.StatusOK {
		t.Fatalf("open /threads/new = %d", st)
	}
	b.CheckAccessibility("the new-discussion form")
	b.Type("#f-title", "Frank talk about budgets")
	b.Choose("#f-rule", "chatham")
	b.Type("#f-body", "Our budget review went badly.")
	if st := b.Click(`form[action="/threads"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("start a Chatham House discussion = %d at %s", st, b.Path())
	}
	b.Type("#f-body", "Said with no name at all.")
	b.Choose("#f-attribution", "anonymous")
	if st := b.Click(`form[action$="/posts"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("anonymous reply = %d at %s", st, b.Path())
	}
	if got := b.Texts(".post .by > span:first-child"); strings.Join(got, "|") != "You, as Participant 1|You, anonymously" {
		t.Errorf("the author's Chatham House thread shows posts signed %q", got)
	}
	if !strings.Contains(b.Text(".thread-head"), "Chatham House rule") {
		t.Errorf("the thread page does not say it is under the Chatham House rule")
	}
	b.CheckAccessibility("a Chatham House thread, as its author")

	// The hub's page, as the member, lists the discussion.
	if st := b.Open("/hubs/rome"); st != http.StatusOK {
		t.Fatalf("open /hubs/rome = %d", st)
	}
	if got := b.Text(".threads"); !strings.Contains(got, title) {
		t.Errorf("hub's discussions = %q, want %q", got, title)
	}
	b.CheckAccessibility("the hub page (member)")

	// Every other page a member reaches, each checked with axe and at
	// phone width (Open checks every page it opens at phone width too).
	for _, pg := range []struct{ path, name string }{
		{"/threads", "the network's discussions"},
		{threadPath + "/edit", "the title's edit form"},
		{"/hubs", "the hubs"},
		{"/members", "the member directory"},
		{"/members/grace", "the member's own profile"},
		{"/members/ada", "another member's profile"},
		{"/settings", "the profile settings"},
		{"/settings/security", "the password and sessions page"},
		{"/settings/tokens", "the access tokens page"},
		{"/settings/data", "the your-data page"},
	} {
		if st := b.Open(pg.path); st != http.StatusOK {
			t.Errorf("open %s = %d, want 200", pg.path, st)
			continue
		}
		b.CheckAccessibility(pg.name)
	}
	if st := b.Open("/no/such/page"); st != http.StatusNotFound {
		t.Errorf("open a missing page = %d, want 404", st)
	}
	b.CheckAccessibility("the not-found page")
}
