package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/internal/testutil"
)

// wantLimited checks a form refused over a limit: 429 with Retry-After of
// about want, the form back with the reason above it and the text kept.
func wantLimited(t *testing.T, r response, want time.Duration, field, typed string) {
	t.Helper()
	wantStatus(t, r, http.StatusTooManyRequests)
	got, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || time.Duration(got)*time.Second < want-time.Second || time.Duration(got)*time.Second > want+time.Second {
		t.Fatalf("Retry-After %q, want about %s", r.Header.Get("Retry-After"), want)
	}
	msg := strings.TrimSpace(r.Doc.Find("#form-problem").Text())
	if !strings.Contains(msg, "the most a member may") || !strings.Contains(msg, "try again") && !strings.Contains(msg, "post it again") {
		t.Fatalf("the form says %q, want the limit and when to try again", msg)
	}
	if kept := r.Doc.Find(`[name="` + field + `"]`).First(); strings.TrimSpace(kept.Text()) != typed && kept.AttrOr("value", "") != typed {
		t.Fatalf("the refused form lost what was typed in %s", field)
	}
}

// TestWriteLimitsOnPages runs with the real default limits.
func TestWriteLimitsOnPages(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e, testutil.WithWriteLimits(app.DefaultPostLimit, app.DefaultInvitationLimit))
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			limit := app.DefaultPostLimit
			th := testutil.MustCreateThread(t, s.DB, bob, nil, "Many replies", "Opening.")
			for i := 1; i < limit.Events; i++ {
				if _, err := s.DB.CreatePost(testutil.As(bob), th.ID, fmt.Sprint("Reply ", i)); err != nil {
					t.Fatal(err)
				}
			}
			c := s.Browser(t, bob)
			r := post(t, c, s, fmt.Sprintf("/threads/%d/posts", th.ID), url.Values{"body": {"My typed reply"}})
			wantLimited(t, r, limit.Per, "body", "My typed reply")
			r = post(t, c, s, "/threads", url.Values{"title": {"A new one"}, "body": {"Its text"}, "audience": {"network"}})
			wantLimited(t, r, limit.Per, "title", "A new one")
			if got, err := s.DB.FindThreadByID(testutil.As(bob), th.ID); err != nil || got.PostCount != limit.Events {
				t.Fatalf("after the refusals: %+v, %v", got, err)
			}
			if _, total, err := s.DB.FindThreads(testutil.As(bob), sharefair.ThreadFilter{}); err != nil || total != 1 {
				t.Fatalf("threads after the refusals: %d, %v", total, err)
			}
			s.Clock.Advance(limit.Per)
			wantRedirect(t, post(t, c, s, fmt.Sprintf("/threads/%d/posts", th.ID), url.Values{"body": {"My typed reply"}}), fmt.Sprintf("/threads/%d", th.ID))

			il := app.DefaultInvitationLimit
			for i := range il.Events {
				if _, _, err := s.DB.CreateInvitation(testutil.As(s.Admin), sharefair.NewInvitation{Email: fmt.Sprintf("p%d@example.org", i)}); err != nil {
					t.Fatal(err)
				}
			}
			admin := s.Browser(t, s.Admin)
			r = post(t, admin, s, "/invitations", url.Values{"email": {"late@example.org"}})
			wantLimited(t, r, il.Per, "email", "late@example.org")
			invs, _, err := s.DB.FindInvitations(testutil.As(s.Admin), sharefair.Page{})
			if err != nil || len(invs) == 0 {
				t.Fatalf("invitations: %v", err)
			}
			for _, action := range []string{"resend", "link"} {
				r = post(t, admin, s, fmt.Sprintf("/invitations/%d/%s", invs[0].ID, action), nil)
				wantLimited(t, r, il.Per, "email", "")
			}
			if _, total, err := s.DB.FindInvitations(testutil.As(s.Admin), sharefair.Page{}); err != nil || total != il.Events {
				t.Fatalf("invitations after the refusal: %d, %v", total, err)
			}
		})
	}
}
