package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
)

const memberPassword = "correct horse battery" // testutil.MustCreateMember's

// signedIn reports whether c's session still lets it in.
func signedIn(t *testing.T, c *http.Client, s *testutil.Server) bool {
	t.Helper()
	r := get(t, c, s, "/settings")
	return r.StatusCode == http.StatusOK
}

func TestPasswordAndSessions(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			here, there, annB := s.Browser(t, bob), s.Browser(t, bob), s.Browser(t, ann)

			r := get(t, here, s, "/settings/security")
			wantStatus(t, r, http.StatusOK)
			if n := r.Doc.Find("table.rows tbody tr").Length(); n != 2 {
				t.Fatalf("%d sessions listed, want 2", n)
			}
			if r.Doc.Find("tbody tr:contains('this device')").Length() != 1 {
				t.Fatal("this device is not marked once")
			}
			if !strings.Contains(r.Doc.Find("tbody td[data-label='Signed in']").First().Text(), "UTC") {
				t.Errorf("session times do not say their zone: %q", r.Doc.Find("tbody td[data-label='Signed in']").First().Text())
			}

			t.Run("ErrWrongCurrent", func(t *testing.T) {
				r := post(t, here, s, "/settings/password", url.Values{"current_password": {"not my password"}, "new_password": {"a fresh passphrase"}})
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if fieldError(r, "current_password") == "" {
					t.Fatal("no error beside the current password")
				}
				if v, _ := r.Doc.Find("#f-new_password").Attr("value"); v != "" {
					t.Fatal("the refused form shows a password back")
				}
			})
			t.Run("ErrNewTooShort", func(t *testing.T) {
				r := post(t, here, s, "/settings/password", url.Values{"current_password": {memberPassword}, "new_password": {"short"}})
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if fieldError(r, "new_password") == "" {
					t.Fatal("no error beside the new password")
				}
			})
			if !signedIn(t, there, s) {
				t.Fatal("a refused change signed the other session out")
			}
			wantRedirect(t, post(t, here, s, "/settings/password", url.Values{"current_password": {memberPassword},
				"new_password": {"a fresh passphrase"}}), "/settings/security")
			if !signedIn(t, here, s) {
				t.Fatal("changing the password signed this session out")
			}
			if signedIn(t, there, s) {
				t.Fatal("the other session survived the password change")
			}
			if !signedIn(t, annB, s) {
				t.Fatal("another member was signed out")
			}
			if _, err := s.DB.Authenticate(testutil.As(nil), bob.Email, "a fresh passphrase"); err != nil {
				t.Fatalf("new password does not work: %v", err)
			}

			// Ending another session, then this one.
			other := s.Browser(t, bob)
			r = get(t, here, s, "/settings/security")
			action, ok := r.Doc.Find("tbody tr:not(:contains('this device')) form").Attr("action")
			if !ok {
				t.Fatal("no form to end the other session")
			}
			wantRedirect(t, post(t, here, s, action, nil), "/settings/security")
			if signedIn(t, other, s) {
				t.Fatal("the ended session still works")
			}
			wantStatus(t, post(t, here, s, action, nil), http.StatusNotFound)
			annRef, _ := get(t, annB, s, "/settings/security").Doc.Find("tbody form").Attr("action")
			wantStatus(t, post(t, here, s, annRef, nil), http.StatusNotFound)
			if !signedIn(t, annB, s) {
				t.Fatal("bob ended ann's session")
			}
			mine, _ := get(t, here, s, "/settings/security").Doc.Find("tbody tr:contains('this device') form").Attr("action")
			wantRedirect(t, post(t, here, s, mine, nil), "/signin")
			if signedIn(t, here, s) {
				t.Fatal("signing out here left the session alive")
			}
		})
	}
}

func TestTokensInSettings(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			b := s.Browser(t, bob)
			for i := 0; i < sharefair.MaxTokens; i++ {
				if _, _, err := s.DB.CreateToken(testutil.As(bob), bob.ID, "script"); err != nil {
					t.Fatal(err)
				}
			}
			r := get(t, b, s, "/settings/tokens")
			if n := r.Doc.Find(".tokens table tbody tr").Length(); n != sharefair.MaxTokens {
				t.Fatalf("%d tokens listed", n)
			}
			r = post(t, b, s, "/settings/tokens", url.Values{"name": {"one too many"}})
			wantStatus(t, r, http.StatusConflict)
			if msg := fieldError(r, "name"); !strings.Contains(msg, "revoke one") {
				t.Fatalf("refusal beside the name says %q", msg)
			}
			if v, _ := r.Doc.Find("#f-name").Attr("value"); v != "one too many" {
				t.Fatalf("typed name not kept: %q", v)
			}
		})
	}
}

func TestLanguagesAreCheckboxes(t *testing.T) {
	s := testutil.NewServer(t, testutil.SQLite)
	bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
	b := s.Browser(t, bob)
	r := get(t, b, s, "/settings")
	if r.Doc.Find("select[multiple]").Length() != 0 {
		t.Fatal("the profile form still has a multiple select")
	}
	boxes := r.Doc.Find("fieldset#f-languages input[type=checkbox][name=languages]")
	if boxes.Length() != len(sharefair.Languages) {
		t.Fatalf("%d language checkboxes, want %d", boxes.Length(), len(sharefair.Languages))
	}
	if first, _ := boxes.First().Attr("value"); first != "ar" {
		t.Errorf("the common languages do not come first: %q", first)
	}
	if r.Doc.Find("fieldset#f-languages details[open]").Length() != 0 {
		t.Error("the full list is open with nothing chosen from it")
	}
	// Each checkbox sits in its own label, so a click on the name ticks it.
	if n := r.Doc.Find("fieldset#f-languages label > input[type=checkbox]").Length(); n != len(sharefair.Languages) {
		t.Errorf("%d checkboxes inside labels", n)
	}
	vals := url.Values{"name": {"Bob"}, "handle": {"bob"}, "languages": {"cy", "en"}}
	wantRedirect(t, post(t, b, s, "/settings", vals), "/members/bob")
	r = get(t, b, s, "/settings")
	var ticked []string
	r.Doc.Find("fieldset#f-languages input[checked]").Each(func(_ int, in *goquery.Selection) {
		v, _ := in.Attr("value")
		ticked = append(ticked, v)
	})
	if strings.Join(ticked, ",") != "en,cy" {
		t.Errorf("ticked = %v, want en then cy", ticked)
	}
	if r.Doc.Find("fieldset#f-languages details[open]").Length() != 1 {
		t.Error("the full list stays closed over a ticked Welsh")
	}
}

func TestNetworkDescriptionAndTimeZone(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			s.Clock.T = time.Date(2026, 12, 1, 13, 5, 0, 0, time.UTC)
			bob := testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			admin, b, a := s.Browser(t, s.Admin), s.Browser(t, bob), s.Browser(t, ann)
			th := testutil.MustCreateThread(t, s.DB, s.Admin, nil, "Zones", "When is it?")

			// Before any setting: UTC, said so.
			if got := get(t, b, s, "/threads/"+strconv.FormatInt(th.ID, 10)).Doc.Find(".post time").First().Text(); got != "1 Dec 2026, 13:05 UTC" {
				t.Fatalf("time before = %q", got)
			}
			r := post(t, admin, s, "/network", url.Values{"time_zone": {"Mars/Olympus"}, "description": {strings.Repeat("x", sharefair.MaxNetworkDescLen+1)}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "time_zone") == "" || fieldError(r, "description") == "" {
				t.Fatal("no errors beside the time zone and description")
			}
			wantStatus(t, post(t, b, s, "/network", url.Values{"time_zone": {"Asia/Tokyo"}}), http.StatusForbidden)
			wantRedirect(t, post(t, admin, s, "/network", url.Values{"name": {"KM Rome"}, "time_zone": {"Asia/Tokyo"},
				"description": {"Practitioners of <b>KM</b>.\r\n\r\nWe meet monthly."}}), "/network")
			if v := get(t, admin, s, "/network").Doc.Find("#f-time_zone option[selected]").AttrOr("value", ""); v != "Asia/Tokyo" {
				t.Fatalf("form shows time zone %q", v)
			}

			// The description, on the home and sign-in pages, as text.
			for who, c := range map[string]*http.Client{"member": b, "visitor": s.Browser(t, nil)} {
				path := "/"
				if who == "visitor" {
					path = "/signin"
				}
				r := get(t, c, s, path)
				paras := r.Doc.Find(".about p")
				if paras.Length() != 2 || paras.First().Text() != "Practitioners of <b>KM</b>." || r.Doc.Find(".about b").Length() != 0 {
					t.Errorf("%s sees the description on %s as %q", who, path, r.Doc.Find(".about").Text())
				}
			}

			// A member without a zone sees the network's; one with their own, theirs.
			if got := get(t, a, s, "/threads/"+strconv.FormatInt(th.ID, 10)).Doc.Find(".post time").First().Text(); got != "1 Dec 2026, 22:05 JST" {
				t.Errorf("time in the network's zone = %q", got)
			}
			if _, err := s.DB.UpdateMember(testutil.As(bob), bob.ID, sharefair.MemberUpdate{TimeZone: ptr("Europe/Rome")}); err != nil {
				t.Fatal(err)
			}
			if got := get(t, b, s, "/threads/"+strconv.FormatInt(th.ID, 10)).Doc.Find(".post time").First().Text(); got != "1 Dec 2026, 14:05 CET" {
				t.Errorf("time in the member's zone = %q", got)
			}
			if got := get(t, b, s, "/").Doc.Find(".threads time").First().Text(); got != "1 Dec 2026, 14:05 CET" {
				t.Errorf("home page time = %q", got)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestSetupAsksForZoneAndDescription(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e, testutil.WithoutAdmin())
			if ok, err := s.DB.PrepareSetup(testutil.As(nil), "ABCD-EFGH-JKLM"); err != nil || !ok {
				t.Fatalf("PrepareSetup = %v, %v", ok, err)
			}
			c := s.Browser(t, nil)
			r := get(t, c, s, "/setup")
			if v := r.Doc.Find("#f-time_zone option[selected]").AttrOr("value", ""); v != "UTC" {
				t.Fatalf("setup offers time zone %q first, want UTC", v)
			}
			if r.Doc.Find("textarea#f-network_description").Length() != 1 {
				t.Fatal("setup asks for no description")
			}
			form := url.Values{"code": {"ABCD-EFGH-JKLM"}, "network_name": {"KM Rome"}, "network_description": {"For KM people."},
				"time_zone": {"Rome"}, "name": {"Ada"}, "handle": {"ada"}, "email": {"ada@example.org"}, "password": {"a long password"}}
			r = post(t, c, s, "/setup", form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if fieldError(r, "time_zone") == "" {
				t.Fatal("no error beside the time zone")
			}
			if got := r.Doc.Find("#f-network_description").Text(); got != "For KM people." {
				t.Fatalf("description not kept: %q", got)
			}
			form.Set("time_zone", "Europe/Rome")
			wantRedirectExact(t, post(t, c, s, "/setup", form), "/")
			n, err := s.DB.Network(testutil.As(nil))
			if err != nil || n.TimeZone != "Europe/Rome" || n.Description != "For KM people." {
				t.Fatalf("network = %+v, %v", n, err)
			}
		})
	}
}
