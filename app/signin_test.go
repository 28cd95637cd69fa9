package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/app"
	"github.com/sharefair/sharefair/auth"
	"github.com/sharefair/sharefair/internal/testutil"
)

// client is a browser or a script at one address, behind the local proxy
// (loopback, which is trusted by default) that names it in X-Forwarded-For.
type client struct {
	t    *testing.T
	s    *testutil.Server
	http *http.Client
	addr string
}

func newClient(t *testing.T, s *testutil.Server, addr string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, s: s, addr: addr, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// at returns the same browser (cookies and all) at another address.
func (c *client) at(addr string) *client { d := *c; d.addr = addr; return &d }

func (c *client) do(req *http.Request) *http.Response {
	c.t.Helper()
	req.Header.Set("X-Forwarded-For", "192.0.2.250, "+c.addr) // the first is forged, and ignored
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
			c.t.Fatalf("429 with Retry-After %q", res.Header.Get("Retry-After"))
		}
	}
	return res
}

// web signs in through the form and returns the status.
func (c *client) web(email, password string) int {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+"/signin",
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Origin", c.s.URL)
	return c.do(req).StatusCode
}

// api asks for a token with a password, as a script does, and returns the
// status.
func (c *client) api(email, password string) int {
	c.t.Helper()
	b, _ := json.Marshal(map[string]string{"email": email, "password": password, "name": "script"})
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+"/api/v1/tokens/password", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return c.do(req).StatusCode
}

func want(t *testing.T, what string, got, status int) {
	t.Helper()
	if got != status {
		t.Fatalf("%s: status %d, want %d", what, got, status)
	}
}

// TestSignInLimitsAsShipped runs the sign-in limits Sharefair ships with,
// through the web form and the API: a guesser is held, at one address or
// spread over many, and the member still signs in from their own browser,
// and from their own address while the guesser uses others.
func TestSignInLimitsAsShipped(t *testing.T) {
	limits := app.DefaultConfig().SignInLimits
	if limits != auth.DefaultLimits {
		t.Fatalf("DefaultConfig's sign-in limits %+v are not auth.DefaultLimits", limits)
	}
	perPair, perAccount, perAddress := limits.AccountAddress.Events, limits.Account.Events, limits.Address.Events
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e, testutil.WithConfig(func(c *app.Config) {
				d := app.DefaultConfig()
				c.SignInLimits, c.TrustProxy, c.TrustedProxies = d.SignInLimits, true, d.TrustedProxies
			}))
			testutil.MustCreateMember(t, s.DB, "bob", sharefair.RoleMember)
			const email, password = "bob@example.org", "correct horse battery"

			laptop := newClient(t, s, "198.51.100.10")
			want(t, "bob signs in on his laptop", laptop.web(email, password), http.StatusSeeOther)

			// A guesser at one address is held after perPair failures,
			// on the web and through the API alike.
			guesser := newClient(t, s, "203.0.113.1")
			for i := range perPair {
				want(t, fmt.Sprintf("guess %d", i+1), guesser.web(email, "guess"+strconv.Itoa(i)), http.StatusUnauthorized)
			}
			want(t, "the guesser's next try", guesser.web(email, "another"), http.StatusTooManyRequests)
			want(t, "even with the right password", guesser.web(email, password), http.StatusTooManyRequests)
			want(t, "or through the API", guesser.api(email, password), http.StatusTooManyRequests)

			// Bob, from his own address on a browser he never used here,
			// and from a script there.
			desk := newClient(t, s, "198.51.100.20")
			want(t, "bob at his own address", desk.web(email, password), http.StatusSeeOther)
			want(t, "bob's script at his own address", desk.api(email, password), http.StatusCreated)

			// A script guessing is held the same way.
			script := newClient(t, s, "203.0.113.2")
			for i := range perPair {
				want(t, fmt.Sprintf("API guess %d", i+1), script.api(email, "guess"), http.StatusUnauthorized)
			}
			want(t, "the guessing script", script.api(email, "guess"), http.StatusTooManyRequests)

			// Spread over many addresses, the guesser meets the account's
			// overall limit after perAccount failures in all.
			failures := 2 * perPair
			for n := 3; ; n++ {
				c := newClient(t, s, "203.0.113."+strconv.Itoa(n))
				status := c.web(email, "guess")
				if status == http.StatusTooManyRequests {
					break
				}
				want(t, "a spread guess", status, http.StatusUnauthorized)
				failures++
				if failures > perAccount {
					t.Fatalf("%d failures from %d addresses and still not held", failures, n-2)
				}
			}
			if failures != perAccount {
				t.Fatalf("held after %d failures in all, want %d", failures, perAccount)
			}
			// Now untrusted attempts wait, bob's too: the trade-off.
			want(t, "bob on a new browser", newClient(t, s, "198.51.100.30").web(email, password), http.StatusTooManyRequests)
			// His laptop keeps its own allowance, wherever it is.
			want(t, "bob's laptop", laptop.web(email, password), http.StatusSeeOther)
			want(t, "bob's laptop at the guesser's address", laptop.at("203.0.113.1").web(email, password), http.StatusSeeOther)

			// One address trying many accounts is held after perAddress
			// attempts.
			cafe := newClient(t, s, "192.0.2.50")
			for i := range perAddress {
				want(t, "a try at another account", cafe.web("nobody"+strconv.Itoa(i)+"@example.org", "guess"), http.StatusUnauthorized)
			}
			want(t, "one try too many from the address", cafe.web("carl@example.org", "guess"), http.StatusTooManyRequests)
		})
	}
}
