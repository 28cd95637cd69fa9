package browser_test

import (
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sharefair/sharefair/internal/browser"
)

func init() {
	// Sound in light; in dark, grey on near-black (about 1.5:1).
	pages["/themed"] = `<!DOCTYPE html><html lang="en"><head><title>Themed</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/themed.css"></head><body>
<main><h1>Themed</h1><p>Words a member wrote.</p></main></body></html>`
	pages["/themed.css"] = `body{background:#fff;color:#222}
@media (prefers-color-scheme: dark){body{background:#111;color:#333}}`

	// Focus that shows: an outline, a ring drawn with box-shadow, and a
	// skip link that appears when focused; then focus broken three ways.
	const focusPage = `<!DOCTYPE html><html lang="en"><head><title>Focus</title><link rel="stylesheet" href="%s"></head><body>
<a class="skip" href="#main">Skip to content</a>
<main id="main"><h1>Focus</h1><p><a href="/good" id="first">A link</a></p>
<form method="post" action="/refuse"><label for="q">Query</label><input id="q" name="q">
<button type="submit" class="ring">Send</button></form></main></body></html>`
	const base = `body{background:#fff;color:#222} .skip{position:absolute;left:-9999px} .skip:focus{left:0}
:focus-visible{outline:3px solid #1a4fd6;outline-offset:2px}
.ring:focus-visible{outline:none;box-shadow:0 0 0 3px #1a4fd6}
@media (prefers-color-scheme: dark){body{background:#111;color:#eee} :focus-visible{outline-color:#8fb0ff} .ring:focus-visible{box-shadow:0 0 0 3px #8fb0ff}}`
	pages["/focus"] = fmt.Sprintf(focusPage, "/focus.css")
	pages["/focus.css"] = base
	pages["/focus-none"] = fmt.Sprintf(focusPage, "/focus-none.css")
	pages["/focus-none.css"] = base + `:focus-visible{outline:none} .ring:focus-visible{box-shadow:none}`
	pages["/focus-pale"] = fmt.Sprintf(focusPage, "/focus-pale.css")
	pages["/focus-pale.css"] = base + `:focus-visible{outline-color:#e8e8e8} @media (prefers-color-scheme: dark){:focus-visible{outline-color:#222}}`
	pages["/focus-dark"] = fmt.Sprintf(focusPage, "/focus-dark.css")
	pages["/focus-dark.css"] = base + `@media (prefers-color-scheme: dark){:focus-visible{outline-color:#1a1a40} .ring:focus-visible{box-shadow:0 0 0 3px #1a1a40}}`
}

// recorder keeps the errors a check reports instead of failing the test,
// so that the harness can see its checks fail.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }
func (r *recorder) Helper()           {}

// TestHarnessThemes proves the dark theme is really checked: the browser
// reports the colour scheme asked for to the page's own media queries and
// CSS, a page sound in light but unreadable in dark fails in dark only,
// and with screenshots on, CheckAccessibility saves the four a person
// looks at, at the two widths.
func TestHarnessThemes(t *testing.T) {
	browser.RequireAxe(t)
	shots := t.TempDir()
	t.Setenv(browser.ScreenshotsEnv, shots)
	ts := serve(t)
	b := browser.Start(t, ts.URL)
	if b.Theme() != browser.Light {
		t.Errorf("a new browser reports the %s theme, want light", b.Theme())
	}
	if st := b.Open("/themed"); st != http.StatusOK {
		t.Fatalf("open /themed = %d", st)
	}
	bg := func() string {
		return browser.Run(b, "read the background", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	}
	b.SetTheme(browser.Dark)
	if got := bg(); got != "rgb(17, 17, 17)" {
		t.Errorf("in the dark theme the page's background is %s, want its dark rgb(17, 17, 17)", got)
	}
	// The emulation lasts across pages.
	if st := b.Open("/themed"); st != http.StatusOK {
		t.Fatalf("open /themed = %d", st)
	}
	if got := bg(); got != "rgb(17, 17, 17)" {
		t.Errorf("after opening a page in the dark theme its background is %s, want rgb(17, 17, 17)", got)
	}
	b.SetTheme(browser.Light)
	if got := bg(); got != "rgb(255, 255, 255)" {
		t.Errorf("back in the light theme the page's background is %s, want rgb(255, 255, 255)", got)
	}

	rec := &recorder{TB: t}
	res := b.For(rec).CheckAccessibility("themed")
	ids := func(th browser.Theme) []string {
		var out []string
		for _, v := range res[th].Violations {
			out = append(out, v.ID)
		}
		return out
	}
	if got := ids(browser.Light); len(got) != 0 {
		t.Errorf("axe in the light theme found %v, want nothing", got)
	}
	if got := ids(browser.Dark); !slices.Contains(got, "color-contrast") {
		t.Errorf("axe in the dark theme found %v, want color-contrast", got)
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "dark theme") || !strings.Contains(rec.errs[0], "color-contrast") {
		t.Errorf("CheckAccessibility reported %q, want one error naming the dark theme and color-contrast", rec.errs)
	}
	if b.Theme() != browser.Light {
		t.Errorf("CheckAccessibility left the browser in the %s theme, want light", b.Theme())
	}

	for _, variant := range []struct {
		name  string
		width int
	}{{"desk-light", browser.DesktopWidth}, {"desk-dark", browser.DesktopWidth}, {"phone-light", browser.PhoneWidth}, {"phone-dark", browser.PhoneWidth}} {
		file := filepath.Join(shots, browser.ShotName(t.Name(), "themed-"+variant.name)+".png")
		f, err := os.Open(file)
		if err != nil {
			t.Errorf("screenshot %s: %v", variant.name, err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("screenshot %s: %v", file, err)
			continue
		}
		if w := img.Bounds().Dx(); w != variant.width {
			t.Errorf("screenshot %s is %d px wide, want %d", file, w, variant.width)
		}
		// The page's background shows the theme it was taken in.
		want := uint32(0xffff)
		if strings.HasSuffix(variant.name, "dark") {
			want = 17 * 0x101
		}
		if r, _, _, _ := img.At(2, img.Bounds().Dy()-2).RGBA(); r != want {
			t.Errorf("screenshot %s: background red %d, want %d (the %s theme)", file, r/0x101, want/0x101, variant.name)
		}
	}
	if got := browser.ShotName("TestBrowserJourney/sqlite", "the hub page (member)-desk-dark"); got != "TestBrowserJourney-sqlite-the-hub-page-member-desk-dark" {
		t.Errorf("ShotName = %q", got)
	}
}

// TestHarnessKeyboard proves the keyboard checks: Tab and Enter alone fill
// and send a form; a focus that shows by outline, by box-shadow or by a
// skip link appearing passes in both themes; and focus hidden by
// outline:none, drawn in a colour close to the background, or lost in the
// dark theme only, is caught, naming the element.
func TestHarnessKeyboard(t *testing.T) {
	ts := serve(t)
	b := browser.Start(t, ts.URL)

	if st := b.Open("/focus"); st != http.StatusOK {
		t.Fatalf("open /focus = %d", st)
	}
	if n := b.TabTo("#q"); n != 3 {
		t.Errorf("Tab reached the field after %d presses, want 3 (skip link, link, field)", n)
	}
	b.Press("hello")
	b.Press(kb.Tab)
	if f := b.Focused(`button[type="submit"]`); !f.Matches || f.Problem != "" || !strings.Contains(f.Indicator, "box-shadow") {
		t.Errorf("after the field, focus is on %s shown by %q (%s), want the button with its box-shadow ring", f.Element, f.Indicator, f.Problem)
	}
	if st := b.PressToOpen(kb.Enter); st != http.StatusUnprocessableEntity {
		t.Errorf("Enter on the button = %d, want 422", st)
	}
	if h := b.Text("h1"); h != "Refused: hello" {
		t.Errorf("after Enter the page says %q", h)
	}

	for _, th := range browser.Themes {
		b.SetTheme(th)
		b.Open("/focus")
		seen := b.CheckFocus("a sound page")
		var names []string
		for _, f := range seen {
			names = append(names, f.Element)
		}
		want := []string{`a.skip[href="#main"] "Skip to content"`, `a#first[href="/good"] "A link"`, `input#q "q"`, `button.ring "Send"`}
		if !slices.Equal(names, want) {
			t.Errorf("in the %s theme Tab went through %q, want %q", th, names, want)
		}
	}

	for _, c := range []struct {
		path   string
		theme  browser.Theme
		want   string
		errors int
	}{
		{"/focus-none", browser.Light, "no outline or box-shadow", 4},
		// The button's box-shadow ring stays sound on /focus-pale.
		{"/focus-pale", browser.Light, "less contrast than 3:1", 3},
		{"/focus-pale", browser.Dark, "less contrast than 3:1", 3},
		{"/focus-dark", browser.Light, "", 0},
		{"/focus-dark", browser.Dark, "less contrast than 3:1", 4},
	} {
		b.SetTheme(c.theme)
		b.Open(c.path)
		rec := &recorder{TB: t}
		seen := b.For(rec).CheckFocus(c.path)
		bad := 0
		for _, f := range seen {
			if f.Problem != "" {
				bad++
				if !strings.Contains(f.Problem, c.want) {
					t.Errorf("%s in the %s theme: %s: %q, want it to say %q", c.path, c.theme, f.Element, f.Problem, c.want)
				}
			}
		}
		if bad != c.errors || len(seen) != 4 {
			t.Errorf("%s in the %s theme: %d of %d elements with a problem, want %d of 4", c.path, c.theme, bad, len(seen), c.errors)
		}
		if c.errors == 0 && len(rec.errs) != 0 {
			t.Errorf("%s in the %s theme: CheckFocus reported %q, want nothing", c.path, c.theme, rec.errs)
		}
		if c.errors > 0 && (len(rec.errs) != 1 || !strings.Contains(rec.errs[0], c.want) || !strings.Contains(rec.errs[0], string(c.theme)+" theme") ||
			!strings.Contains(rec.errs[0], fmt.Sprintf("on %d of 4", c.errors))) {
			t.Errorf("%s in the %s theme: CheckFocus reported %q, want one error saying %q, naming the theme and counting %d of 4", c.path, c.theme, rec.errs, c.want, c.errors)
		}
	}
}
