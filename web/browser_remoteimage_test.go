package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/browser"
	"github.com/sharefair/sharefair/internal/testutil"
)

// TestBrowserNoRemoteImages opens, in a real browser, a thread and a hub
// whose members' Markdown holds images from another server, and checks
// that the browser asks that server for nothing: opening a post must tell
// no third party who read it and when. The images are links to where they
// are, and the Content-Security-Policy allows images from Sharefair only.
func TestBrowserNoRemoteImages(t *testing.T) {
	var asked atomic.Int64
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"/>`)
	}))
	defer remote.Close()
	// Every way of writing an image the renderer takes, plus the address
	// a page could load without a Markdown image at all.
	body := fmt.Sprintf("Our chart: ![the Q3 chart](%[1]s/chart.svg)\n\n"+
		"![](%[1]s/untitled.svg) ![by reference][chart] [![inside a link](%[1]s/in-link.svg)](/)\n\n"+
		"%[1]s/bare.svg\n\n[chart]: %[1]s/reference.svg", remote.URL)

	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			asked.Store(0)
			s := testutil.NewServer(t, e)
			admin := testutil.MustCreateMember(t, s.DB, "ada", sharefair.RoleAdmin)
			hub := testutil.MustCreateHub(t, s.DB, admin, "Rome")
			desc := "We meet monthly. ![the venue](" + remote.URL + "/venue.svg)"
			if _, err := s.DB.UpdateHub(testutil.As(admin), hub.Slug, sharefair.HubUpdate{Description: &desc}); err != nil {
				t.Fatal(err)
			}
			th := testutil.MustCreateThread(t, s.DB, admin, nil, "Charts from elsewhere", body)

			// The policy every response carries.
			resp, err := http.Get(s.URL + "/signin")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "img-src 'self';") {
				t.Errorf("Content-Security-Policy = %q, want img-src 'self' and nothing else", csp)
			}

			b := browser.Start(t, s.URL)
			b.Open("/signin")
			b.Type("#f-email", admin.Email)
			b.Type("#f-password", memberPassword)
			if st := b.Click(`form[action="/signin"] button[type="submit"]`); st != http.StatusOK || b.Path() != "/" {
				t.Fatalf("sign in = %d at %s", st, b.Path())
			}
			remoteImg := fmt.Sprintf(`img[src^=%q]`, remote.URL)
			for _, page := range []struct {
				path  string
				links int    // images shown as links to where they are
				first string // what the first of them reads
			}{
				{fmt.Sprintf("/threads/%d", th.ID), 3, "Image: the Q3 chart"},
				{"/hubs/" + hub.Slug, 1, "Image: the venue"},
			} {
				if st := b.Open(page.path); st != http.StatusOK {
					t.Fatalf("open %s = %d", page.path, st)
				}
				if n := b.Count(remoteImg); n > 0 {
					t.Errorf("%s: %d images from %s", page.path, n, remote.URL)
				}
				if n := b.Count(fmt.Sprintf(`a.remote-image[href^=%q]`, remote.URL)); n != page.links {
					t.Errorf("%s: %d images shown as links, want %d", page.path, n, page.links)
				}
				if got := b.Texts(`main a.remote-image`); len(got) == 0 || got[0] != page.first {
					t.Errorf("%s: image links read %q, want the first to read %q", page.path, got, page.first)
				}
				b.Screenshot("remote images " + page.path)
			}
			// A late request (a lazy image scrolled into view) would come
			// within moments of the load.
			time.Sleep(300 * time.Millisecond)
			if n := asked.Load(); n > 0 {
				t.Errorf("the other server was asked %d times", n)
			}
		})
	}
}
