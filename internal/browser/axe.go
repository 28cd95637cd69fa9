package browser

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sharefair/sharefair/internal/testutil"
)

// AxeEnv names the variable that may give the path of axe.min.js.
const AxeEnv = "SHAREFAIR_AXE"

// AxeVersion is the axe-core release .ci/run installs; bump both together.
const AxeVersion = "4.14.1"

// axeInstall tells a developer how to get axe-core where the tests look.
const axeInstall = "npm install --prefix .ci/cache/axe --no-save axe-core@" + AxeVersion +
	" (run in the module root; .ci/run does it), or set " + AxeEnv + " to the path of axe.min.js"

// axeCandidates are where axe.min.js is looked for, relative to the module
// root, after $SHAREFAIR_AXE: the cache .ci/run fills, then a plain
// `npm install axe-core` in the module root.
var axeCandidates = []string{
	".ci/cache/axe/node_modules/axe-core/axe.min.js",
	"node_modules/axe-core/axe.min.js",
}

// WCAGTags are the axe rule tags checked: WCAG 2.0 and 2.1, levels A and AA.
var WCAGTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

var axeSource = sync.OnceValues(loadAxe)

// loadAxe reads axe.min.js from $SHAREFAIR_AXE or the module root.
func loadAxe() (string, error) {
	var tried []string
	if p := os.Getenv(AxeEnv); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w", AxeEnv, p, err)
		}
		return string(b), nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	for _, c := range axeCandidates {
		p := filepath.Join(root, filepath.FromSlash(c))
		b, err := os.ReadFile(p)
		if err == nil {
			return string(b), nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("axe.min.js not found (looked in %s)", strings.Join(tried, ", "))
}

// moduleRoot walks up from the working directory (the test's package
// directory) to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find module root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// RequireAxe skips the test (fails it in CI) when axe-core is not
// installed. Call it before starting the browser so a missing axe-core
// costs nothing.
func RequireAxe(t testing.TB) {
	t.Helper()
	if _, err := axeSource(); err != nil {
		testutil.SkipOrFail(t, "accessibility checks need axe-core: "+err.Error()+"; install it with "+axeInstall)
	}
}

// AxeResult is the part of axe.run's result the tests use.
type AxeResult struct {
	Violations []AxeRule `json:"violations"`
	// Incomplete lists rules axe could not decide (a person must check).
	Incomplete []AxeRule `json:"incomplete"`
	// Passes counts the rules that passed: proof that axe checked something.
	Passes int `json:"passes"`
}

// AxeRule is one axe rule's outcome on a page.
type AxeRule struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []AxeNode `json:"nodes"`
}

// AxeNode is one element a rule applied to.
type AxeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

// axeRunJS runs axe on the whole document with the WCAG tags and returns a
// compact result, so that the protocol does not carry axe's whole report.
const axeRunJS = `axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations', 'incomplete']}).then(r => {
	const rule = v => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ''}))});
	return {violations: r.violations.map(rule), incomplete: r.incomplete.map(rule), passes: r.passes.length};
})`

// Axe runs axe-core on the page shown now and returns its result. axe is
// injected through the DevTools protocol (Runtime.evaluate), which the
// page's Content-Security-Policy does not govern, so the CSP stays strict.
func (b *Browser) Axe() AxeResult {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		testutil.SkipOrFail(b.t, "accessibility checks need axe-core: "+err.Error()+"; install it with "+axeInstall)
	}
	loaded := Run(b, "check for axe", chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof window.axe.run === 'function'`))
	if !loaded {
		b.Do("inject axe-core", chromedp.Evaluate[chromedp.Void](src+"\n;undefined"))
		if !Run(b, "check axe loaded", chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof window.axe.run === 'function'`)) {
			b.t.Fatalf("axe-core did not load into the page")
		}
	}
	tags := `['` + strings.Join(WCAGTags, `', '`) + `']`
	return Run(b, "run axe", chromedp.Evaluate[AxeResult](fmt.Sprintf(axeRunJS, tags), chromedp.EvalAwaitPromise))
}

// CheckAccessibility checks the page shown now in every theme (Themes):
// it runs axe in each and fails the test (without stopping it) listing
// every WCAG 2.1 A/AA violation by theme: rule, impact, what it asks and
// each element it found; and it checks the page at phone width
// (CheckPhone). With $SHAREFAIR_SCREENSHOTS set it saves four screenshots
// of the page, name-desk-light, name-desk-dark, name-phone-light and
// name-phone-dark (at DesktopWidth and PhoneWidth); unset, it costs one
// axe run per theme and no reload. name says which page. It leaves the
// browser in the light theme.
func (b *Browser) CheckAccessibility(name string) map[Theme]AxeResult {
	b.t.Helper()
	b.CheckPhone(name, false)
	out := make(map[Theme]AxeResult, len(Themes))
	for _, th := range Themes {
		b.SetTheme(th)
		if Screenshots() {
			b.Screenshot(name + "-desk-" + string(th))
			b.AtPhoneWidth(func() { b.Screenshot(name + "-phone-" + string(th)) })
		}
		res := b.Axe()
		out[th] = res
		b.t.Logf("axe on %s in the %s theme: %d rules passed, %d violated, %d need a person to check", name, th, res.Passes, len(res.Violations), len(res.Incomplete))
		if res.Passes == 0 {
			b.t.Errorf("axe on %s in the %s theme: no rule passed, so nothing was checked", name, th)
		}
		if len(res.Violations) > 0 {
			b.t.Errorf("axe on %s (%s) in the %s theme: %d WCAG 2.1 A/AA violation(s):\n%s", name, b.Path(), th, len(res.Violations), FormatRules(res.Violations))
		}
		if len(res.Incomplete) > 0 {
			b.t.Logf("axe on %s in the %s theme: %d rule(s) need a person to check:\n%s", name, th, len(res.Incomplete), FormatRules(res.Incomplete))
		}
	}
	if b.theme != Light {
		b.SetTheme(Light)
	}
	return out
}

// FormatRules lists rules and their elements, one element a line.
func FormatRules(rules []AxeRule) string {
	var sb strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&sb, "- %s [%s]: %s (%s)\n", r.ID, r.Impact, r.Help, r.HelpURL)
		for _, n := range r.Nodes {
			fmt.Fprintf(&sb, "    at %s: %s\n", strings.Join(n.Target, " "), n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&sb, "      %s\n", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
	}
	return sb.String()
}
