// Package browser drives a real headless Chromium for end-to-end tests and
// checks pages with axe-core. It starts Debian's /usr/bin/chromium (never a
// downloaded browser), puts a deadline on every step so that a hang fails
// the test instead of stalling CI, and skips (fails under CI=true) when
// Chromium or axe-core is missing.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair/internal/testutil"
)

// ScreenshotsEnv names the variable that, when set to a directory, makes
// CheckAccessibility save screenshots of each page it checks there, at
// desktop and at phone width, in the light and the dark theme, so that a
// developer can look at what the test saw (docs/screens/README.md).
const ScreenshotsEnv = "SHAREFAIR_SCREENSHOTS"

// ChromiumEnv names the variable that may point at another Chromium binary.
const ChromiumEnv = "SHAREFAIR_CHROMIUM"

// DefaultChromium is Debian's Chromium, which CI installs with apt.
const DefaultChromium = "/usr/bin/chromium"

// StartTimeout bounds starting the browser; StepTimeout bounds each step.
// Both are generous for a 2-core machine shared with other test packages:
// they are there to turn a hang into a failure, not to measure speed.
var (
	StartTimeout = 60 * time.Second
	StepTimeout  = 30 * time.Second
)

// Browser is one headless Chromium with one tab, shared by a test's steps.
// Its methods fail the test on error; they are not safe for concurrent use.
type Browser struct {
	t   testing.TB
	ctx context.Context // the tab; has no deadline, each step adds its own
	// base is prefixed to paths given to Open.
	base string
	// theme is the colour scheme the browser reports (SetTheme).
	theme Theme
}

// ExecPath returns the Chromium binary to run.
func ExecPath() string {
	if p := os.Getenv(ChromiumEnv); p != "" {
		return p
	}
	return DefaultChromium
}

// Start launches Chromium for t and opens a tab. Paths given to Open are
// relative to base (e.g. a test server's URL). The browser is closed when
// the test ends. A missing Chromium skips the test (fails it in CI).
func Start(t testing.TB, base string) *Browser {
	t.Helper()
	exe := ExecPath()
	if _, err := os.Stat(exe); err != nil {
		testutil.SkipOrFail(t, "browser tests need Chromium at "+exe+
			" (apt-get install chromium, or set "+ChromiumEnv+"): "+err.Error())
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // CI runs as root, where Chromium refuses its sandbox
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		// Keep the browser from talking to anything but the test server:
		// the machines reach no network beyond package registries.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(DesktopWidth, DesktopHeight),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})

	// The first action starts the browser and binds its life to the context
	// it is given, so it cannot carry a deadline (that would kill the
	// browser later). Bound it from outside instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tabCtx) }()
	timer := time.NewTimer(StartTimeout)
	defer timer.Stop()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start Chromium (%s): %v", exe, err)
		}
	case <-timer.C:
		cancelTab()
		t.Fatalf("start Chromium (%s): not ready after %v", exe, StartTimeout)
	}
	b := &Browser{t: t, ctx: tabCtx, base: strings.TrimSuffix(base, "/")}
	// Say so explicitly, whatever the machine's own preference.
	b.SetTheme(Light)
	return b
}

// For returns the same browser and tab reporting to t instead: for a test
// of the harness that must see a check fail without failing itself.
func (b *Browser) For(t testing.TB) *Browser {
	c := *b
	c.t = t
	return &c
}

// step returns a context for one step with its deadline.
func (b *Browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, StepTimeout)
}

// Do runs actions that return nothing as one step named what.
func (b *Browser) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatal(what, err)
	}
}

// Run runs one action as a step named what and returns its value.
func Run[T any](b *Browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.fatal(what, err)
	}
	return v
}

// Open loads path (relative to the base URL, or absolute) and waits until
// the page has loaded. It returns the final HTTP status after redirects.
// Every page opened is checked at phone width (CheckPhone).
func (b *Browser) Open(path string) int {
	b.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = b.base + path
	}
	resp := Run(b, "open "+u, chromedp.NavigateResponse(u))
	b.CheckPhone("open "+path, false)
	return int(resp.Status)
}

// Click clicks the element sel (a CSS selector) with the mouse, as a person
// would, and waits for the page it leads to (following redirects). It
// returns that page's HTTP status. Use it for links and submit buttons.
// The page it leads to is checked at phone width (CheckPhone).
func (b *Browser) Click(sel string) int {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.fatal("click "+sel, err)
	}
	if resp == nil {
		b.fatal("click "+sel, errors.New("no page loaded"))
	}
	b.CheckPhone("after clicking "+sel, false)
	return int(resp.Status)
}

// Type types text into the field sel (a CSS selector) key by key, after
// what it already holds.
func (b *Browser) Type(sel, text string) {
	b.t.Helper()
	b.Do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// Choose selects the option with value in the select element sel. This is
// the one step that sets a property through the DevTools protocol: keyboard
// type-ahead in a closed select is not dependable in headless mode.
func (b *Browser) Choose(sel, value string) {
	b.t.Helper()
	b.Do("choose "+value+" in "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
	if got := b.Value(sel); got != value {
		b.t.Fatalf("choose %q in %s: the select holds %q (no such option?)", value, sel, got)
	}
}

// Value returns the current value of the form control sel.
func (b *Browser) Value(sel string) string {
	b.t.Helper()
	return Run(b, "read value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// Text returns the rendered text of the first element matching sel.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	return Run(b, "read text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// Texts returns the rendered text of every element matching sel now,
// without waiting.
func (b *Browser) Texts(sel string) []string {
	b.t.Helper()
	return Run(b, "read texts of "+sel, chromedp.Evaluate[[]string](
		fmt.Sprintf("Array.from(document.querySelectorAll(%q), e => e.innerText)", sel)))
}

// Count returns how many elements match sel now, without waiting.
func (b *Browser) Count(sel string) int {
	b.t.Helper()
	return Run(b, "count "+sel, chromedp.Evaluate[int](
		fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
}

// Has reports whether an element matches sel now, without waiting.
func (b *Browser) Has(sel string) bool {
	b.t.Helper()
	return b.Count(sel) > 0
}

// Path returns the path (and query) of the page shown now.
func (b *Browser) Path() string {
	b.t.Helper()
	loc := Run(b, "read location", chromedp.Location())
	return strings.TrimPrefix(loc, b.base)
}

// Screenshots reports whether screenshots are being saved
// ($SHAREFAIR_SCREENSHOTS is set).
func Screenshots() bool { return os.Getenv(ScreenshotsEnv) != "" }

// Screenshot saves a full-page PNG of the page shown now in
// $SHAREFAIR_SCREENSHOTS, named after the test and name (ShotName); it
// does nothing when that is unset.
func (b *Browser) Screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("save screenshot: %v", err)
	}
	png := Run(b, "screenshot "+name, chromedp.FullScreenshot(100))
	file := filepath.Join(dir, ShotName(b.t.Name(), name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatalf("save screenshot: %v", err)
	}
}

// ShotName is the file name (without .png) of the screenshot name taken
// in the test called test: both made of letters, digits and dashes, e.g.
// "TestBrowserJourney-sqlite-the-home-page-desk-dark".
func ShotName(test, name string) string {
	return Slug(test) + "-" + Slug(name)
}

// Slug keeps the letters and digits of s and turns every other run of
// characters into one dash: "the hub page (member)" is "the-hub-page-member".
func Slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			sb.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return sb.String()
}

// fatal fails the test for a step, with where the browser was and what
// the page said, so that a failure in CI can be understood from its log.
func (b *Browser) fatal(what string, err error) {
	b.t.Helper()
	b.t.Fatalf("browser step %q: %v\n%s", what, err, b.describe())
}

// describe summarises the page shown now, within its own short deadline.
func (b *Browser) describe() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(page unavailable: " + err.Error() + ")"
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		text = "(text unavailable: " + err.Error() + ")"
	}
	const limit = 2000
	if len(text) > limit {
		text = text[:limit] + "…"
	}
	return "at " + loc + ", the page says:\n" + text
}
