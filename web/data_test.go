package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/server"
)

// The settings' "Your data" page says what the export holds and links to
// it; the link answers the member's own file to save, with no script.
func TestYourData(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			ann := testutil.MustCreateMember(t, s.DB, "ann", sharefair.RoleMember)
			bob := testutil.MustCreateMember(t, s.DB, "othersentinel", sharefair.RoleMember)
			annB, bobB := s.Browser(t, ann), s.Browser(t, bob)
			if _, err := s.DB.CreateThread(testutil.As(bob), sharefair.NewThread{Title: "Bob's",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, Body: "othersentinel words"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.CreateThread(testutil.As(ann), sharefair.NewThread{Title: "Ann's",
				Audience: sharefair.AudienceChoice{Kind: sharefair.AudienceNetwork}, Body: "ann's words"}); err != nil {
				t.Fatal(err)
			}

			r := get(t, annB, s, "/settings/data")
			wantStatus(t, r, http.StatusOK)
			if r.Doc.Find(`nav[aria-label="Settings"] a[aria-current="page"]`).Text() != "Your data" {
				t.Error("the settings tabs do not mark Your data")
			}
			link := r.Doc.Find(`main a[href="/settings/data/export"]`)
			if link.Length() != 1 || !strings.Contains(link.Text(), "Download") {
				t.Fatalf("no download link: %s", r.Doc.Find("main").Text())
			}
			text := r.Doc.Find("main").Text()
			for _, want := range []string{"profile", "anonymous", "invitations", "access tokens", "no password"} {
				if !strings.Contains(text, want) {
					t.Errorf("the page does not say the file holds %q", want)
				}
			}
			if r.Doc.Find("script").Length() != 0 {
				t.Error("the page has a script")
			}

			r = get(t, annB, s, "/settings/data/export")
			wantStatus(t, r, http.StatusOK)
			want := `attachment; filename="sharefair-ann-` + s.Clock.T.Format("2006-01-02") + `.json"`
			if got := r.Header.Get("Content-Disposition"); got != want {
				t.Errorf("Content-Disposition = %q, want %q", got, want)
			}
			var x sharefair.MemberExport
			dec := json.NewDecoder(strings.NewReader(r.Body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&x); err != nil {
				t.Fatalf("not the documented JSON: %v", err)
			}
			if x.Profile.Handle != "ann" || len(x.Posts) != 1 || x.Posts[0].Source != "ann's words" || len(x.Sessions) != 1 {
				t.Errorf("export = %+v", x)
			}
			u, _ := url.Parse(s.URL)
			var secrets []string
			for _, b := range []*http.Client{annB, bobB} {
				for _, c := range b.Jar.Cookies(u) {
					if c.Name == server.SessionCookie {
						secrets = append(secrets, c.Value)
					}
				}
			}
			if len(secrets) != 2 {
				t.Fatalf("%d session cookies", len(secrets))
			}
			for _, bad := range append(secrets, "othersentinel") {
				if strings.Contains(r.Body, bad) {
					t.Errorf("%.14s… in ann's export", bad)
				}
			}

			// Signed out, the file is not given.
			r = get(t, s.Client(), s, "/settings/data/export")
			if r.Request.URL.Path != "/signin" || r.Header.Get("Content-Disposition") != "" || strings.Contains(r.Body, `"profile"`) {
				t.Errorf("signed out: status %d at %s", r.StatusCode, r.Request.URL)
			}
		})
	}
}
