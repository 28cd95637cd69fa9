package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestBrowserWithdrawAndDelete: in a real browser, without JavaScript of
// our own, a member withdraws a reply through its confirming page and sees
// the tombstone, then deletes their account from Your data, keeping their
// other posts, and is signed out. The confirming page, the tombstone and
// the Your data page are checked with axe in both themes and at phone
// width.
func TestBrowserWithdrawAndDelete(t *testing.T) {
	browser.RequireAxe(t)
	e := testutil.Engines[0]
	s := testutil.NewServer(t, e)
	ann := mustMember(t, s, "ann", "Ann Author")
	th := testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Sharing what worked", "How did your hub start its first meeting?")
	reply, err := s.DB.CreatePost(testutil.As(ann), th.ID, "We met in a library, and I would rather not have said which one.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.CreatePost(testutil.As(ann), th.ID, "Ann's second reply stays."); err != nil {
		t.Fatal(err)
	}
	b := browser.Start(t, s.URL)
	b.Open("/signin")
	b.Type("#f-email", ann.Email)
	b.Type("#f-password", memberPassword)
	if st := b.Click(`form[action="/signin"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("sign in = %d", st)
	}
	b.Open("/threads/" + itoa(th.ID))
	if st := b.Click(`#p` + itoa(reply.ID) + ` a[href$="/withdraw"]`); st != http.StatusOK || b.Path() != "/posts/"+itoa(reply.ID)+"/withdraw" {
		t.Fatalf("the Withdraw link = %d at %s", st, b.Path())
	}
	b.CheckAccessibility("withdraw-confirm")
	if st := b.Click(`form[action$="/withdraw"] button[type="submit"]`); st != http.StatusOK || !strings.HasPrefix(b.Path(), "/threads/"+itoa(th.ID)) {
		t.Fatalf("withdraw = %d at %s", st, b.Path())
	}
	if got := b.Text("#p" + itoa(reply.ID)); !strings.Contains(got, "Withdrawn by its author") || strings.Contains(got, "library") {
		t.Fatalf("the tombstone reads %q", got)
	}
	b.CheckAccessibility("withdrawn-thread")

	b.Open("/settings/data")
	b.CheckAccessibility("your-data-delete")
	b.Choose("#f-posts", "keep")
	b.Type("#f-current_password", memberPassword)
	if st := b.Click(`form[action="/settings/data/delete"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/signin" {
		t.Fatalf("delete account = %d at %s", st, b.Path())
	}
	if _, err := s.DB.FindMemberByID(testutil.As(s.Admin), ann.ID); sharefair.ErrorCode(err) != sharefair.ENOTFOUND {
		t.Fatalf("the member after deletion: %v", err)
	}
	b.Open("/signin")
	b.Type("#f-email", s.Admin.Email)
	b.Type("#f-password", memberPassword)
	b.Click(`form[action="/signin"] button[type="submit"]`)
	b.Open("/threads/" + itoa(th.ID))
	if got := b.Text(".post:last-of-type .by"); !strings.Contains(got, sharefair.FormerMemberName) {
		t.Errorf("the kept reply is signed %q", got)
	}
	b.CheckAccessibility("former-member-thread")
}
