package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/testutil"
)

// deviceCookie returns the device cookie a response sets, or nil.
func deviceCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == auth.DeviceCookie {
			return c
		}
	}
	return nil
}

func TestDeviceCookie(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			for _, base := range []string{"", "https://sharefair.example"} {
				s := testutil.NewServer(t, e, testutil.WithConfig(func(c *app.Config) {
					if base != "" {
						c.BaseURL = base
					}
				}))
				testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
				c := s.Browser(t, nil)
				r := post(t, c, s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"wrong"}})
				if deviceCookie(r.Response) != nil {
					t.Fatal("a failed sign-in set a device cookie")
				}
				r = post(t, c, s, "/signin", url.Values{"email": {"bob@example.org"}, "password": {"correct horse battery"}})
				wantRedirect(t, r, "/")
				dc := deviceCookie(r.Response)
				if dc == nil {
					t.Fatal("no device cookie after signing in")
				}
				if !dc.HttpOnly || dc.Path != "/signin" || dc.SameSite != http.SameSiteStrictMode ||
					time.Duration(dc.MaxAge)*time.Second < 300*24*time.Hour || dc.Secure != (base != "") {
					t.Errorf("base %q: device cookie %+v: want HttpOnly, Path=/signin, SameSite=Strict, a long Max-Age, Secure under https", base, dc)
				}
				if strings.Contains(dc.Value, "bob") {
					t.Errorf("device cookie shows whose it is: %q", dc.Value)
				}
			}
		})
	}
}

// TestSetupMarksTheDevice: the browser that sets up the network signed in
// with the password it chose, and keeps its own allowance at sign-in after.
func TestSetupMarksTheDevice(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e, testutil.WithoutAdmin(),
				testutil.WithSignInRates(auth.Rate{Events: 1, Per: time.Hour}, auth.Rate{Events: 100, Per: time.Hour}))
			if ok, err := s.DB.PrepareSetup(t.Context(), "ABCD-EFGH-JKLM"); err != nil || !ok {
				t.Fatalf("PrepareSetup = %v, %v", ok, err)
			}
			c := s.Browser(t, nil)
			r := post(t, c, s, "/setup", url.Values{"code": {"ABCD-EFGH-JKLM"}, "network_name": {"KM Rome"}, "name": {"Ada"},
				"handle": {"ada"}, "email": {"ada@example.org"}, "password": {"a long password"}})
			wantRedirectExact(t, r, "/")
			if deviceCookie(r.Response) == nil {
				t.Fatal("setup set no device cookie")
			}
			wantRedirect(t, post(t, c, s, "/signout", nil), "/signin")
			// A guesser uses up the account's one untrusted failure.
			wantStatus(t, post(t, s.Browser(t, nil), s, "/signin", url.Values{"email": {"ada@example.org"}, "password": {"guess"}}),
				http.StatusUnauthorized)
			wantStatus(t, post(t, s.Browser(t, nil), s, "/signin", url.Values{"email": {"ada@example.org"}, "password": {"a long password"}}),
				http.StatusTooManyRequests)
			wantRedirect(t, post(t, c, s, "/signin", url.Values{"email": {"ada@example.org"}, "password": {"a long password"}}), "/")
		})
	}
}
