package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/sharefair/sharefair/internal/testutil"
)

// TestNaughtyCircleForm posts the Big List of Naughty Strings as a
// circle's name and description: each is refused beside its field or
// shown on the circle's page with no markup that could run script, and
// the name stays text.
func TestNaughtyCircleForm(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			s := testutil.NewServer(t, e)
			c := s.Browser(t, s.Admin)
			for _, in := range blnsStrings(t) {
				r := post(t, c, s, "/circles", url.Values{"name": {in.value}, "description": {in.value}, "kind": {"open"}})
				switch r.StatusCode {
				case http.StatusUnprocessableEntity:
					if fieldError(r, "name") == "" && fieldError(r, "description") == "" {
						t.Errorf("%s: refused without a reason beside a field", in.label)
					}
					continue
				case http.StatusSeeOther, http.StatusFound:
				default:
					t.Errorf("%s: status %d", in.label, r.StatusCode)
					continue
				}
				page := get(t, c, s, r.Header.Get("Location"))
				root, err := html.Parse(strings.NewReader(page.Body))
				if err != nil {
					t.Fatal(err)
				}
				if bad := unsafeMarkup(root); len(bad) > 0 {
					t.Errorf("%s: the circle page holds %v", in.label, bad)
				}
				if got := page.Doc.Find("h1").Text(); got == "" || !strings.Contains(in.value, strings.TrimSpace(got)) {
					t.Errorf("%s: heading %q, sent %q", in.label, got, in.value)
				}
			}
		})
	}
}
