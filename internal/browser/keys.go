package browser

import (
	"errors"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// MaxTabs bounds how many times TabTo and CheckFocus press Tab on one
// page: more than any Sharefair page has links and controls.
var MaxTabs = 300

// MinFocusContrast is the contrast a focus indicator must have with what
// is behind it: WCAG 2.1 AA's 3:1 for what shows a component's state
// (1.4.11, Non-text Contrast).
const MinFocusContrast = 3.0

// Focus is what has the keyboard focus and how its focus shows.
type Focus struct {
	// None: nothing in the page has focus (before the first Tab, or when
	// focus has left the last element).
	None bool `json:"none"`
	// Repeat: this element had focus before since the page loaded, so Tab
	// has gone round the whole page.
	Repeat bool `json:"repeat"`
	// Matches: the element matches the selector asked about.
	Matches bool `json:"matches"`
	// Element names it (tag, id, classes, text) and HTML is its start.
	Element string `json:"element"`
	HTML    string `json:"html"`
	// Indicator is the outline or box-shadow that shows the focus, with
	// its colour and the colour behind it; Ratio is their contrast.
	Indicator string  `json:"indicator"`
	Ratio     float64 `json:"ratio"`
	// Problem says why the focus is not visible; empty when it is.
	Problem string `json:"problem"`
}

// focusJS describes the focused element (a function of the selector to
// match and the contrast wanted). Colours are read through a canvas, so
// any colour syntax the stylesheet uses (hex, rgb, oklch, color-mix)
// reaches the same sRGB numbers; backgrounds are composited up the
// ancestors onto the page's canvas colour.
const focusJS = `((sel, want) => {
	const e = document.activeElement;
	if (!e || e === document.body || e === document.documentElement) return {none: true};
	const seen = window.__sharefairFocusSeen || (window.__sharefairFocusSeen = new WeakSet());
	const repeat = seen.has(e);
	seen.add(e);
	const cv = document.createElement('canvas');
	cv.width = cv.height = 1;
	const g = cv.getContext('2d', {willReadFrequently: true});
	const rgba = c => {
		g.clearRect(0, 0, 1, 1);
		g.fillStyle = '#000'; g.fillStyle = c;
		g.fillRect(0, 0, 1, 1);
		const d = g.getImageData(0, 0, 1, 1).data;
		return [d[0], d[1], d[2], d[3] / 255];
	};
	const over = (top, under) => {
		const a = top[3];
		return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]);
	};
	const probe = document.createElement('div');
	probe.style.backgroundColor = 'Canvas';
	document.body.append(probe);
	const canvasColour = rgba(getComputedStyle(probe).backgroundColor);
	probe.remove();
	const behind = el => {
		const layers = [];
		for (let x = el; x; x = x.parentElement) {
			const c = rgba(getComputedStyle(x).backgroundColor);
			if (c[3] > 0) layers.push(c);
			if (c[3] >= 1) break;
		}
		let c = canvasColour[3] > 0 ? canvasColour : [255, 255, 255, 1];
		if (layers.length && layers[layers.length - 1][3] >= 1) c = layers.pop();
		while (layers.length) c = over(layers.pop(), c);
		return c;
	};
	const lum = c => {
		const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
		return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
	};
	const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const show = c => 'rgb(' + c.slice(0, 3).map(Math.round).join(', ') + ')';
	const text = (e.innerText || e.value || e.getAttribute('aria-label') || e.name || '').trim().replace(/\s+/g, ' ').slice(0, 40);
	const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
		(typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
		(e.getAttribute('href') ? '[href="' + e.getAttribute('href') + '"]' : '') +
		(text ? ' "' + text + '"' : '');
	const out = {none: false, repeat: repeat, matches: !!sel && e.matches(sel), element: name,
		html: e.outerHTML.slice(0, 160), indicator: '', ratio: 0, problem: ''};
	const r = e.getBoundingClientRect();
	if (r.width * r.height === 0 && e.getClientRects().length === 0) {
		out.problem = 'focus lands on something not shown (no box on the page)';
		return out;
	}
	const cs = getComputedStyle(e);
	const cands = [];
	const ow = parseFloat(cs.outlineWidth) || 0;
	if (cs.outlineStyle !== 'none' && ow > 0) {
		if (cs.outlineStyle === 'auto') {
			out.indicator = "the browser's own focus ring (outline-style: auto)";
			out.ratio = want;
			return out;
		}
		const inside = (parseFloat(cs.outlineOffset) || 0) + ow <= 0;
		cands.push({what: 'outline ' + cs.outlineWidth + ' ' + cs.outlineStyle, colour: rgba(cs.outlineColor), on: behind(inside ? e : e.parentElement)});
	}
	if (cs.boxShadow && cs.boxShadow !== 'none') {
		// Computed shadows read "<colour> <x> <y> <blur> <spread> [inset]", comma-separated.
		for (const s of cs.boxShadow.split(/,(?![^(]*\))/)) {
			const m = /^\s*((?:[a-z-]+\([^)]*\))|#[0-9a-f]+|[a-z]+)\s+(.*)$/i.exec(s);
			if (!m) continue;
			const inset = /\binset\b/.test(m[2]);
			const n = m[2].replace(/\binset\b/, '').trim().split(/\s+/).map(parseFloat);
			const [x = 0, y = 0, blur = 0, spread = 0] = n;
			if (x === 0 && y === 0 && blur <= 0 && spread <= 0) continue;
			cands.push({what: (inset ? 'inset ' : '') + 'box-shadow ' + m[2].trim(), colour: rgba(m[1]), on: behind(inset ? e : e.parentElement)});
		}
	}
	if (!cands.length) {
		out.problem = 'no outline or box-shadow shows the focus (outline: ' + cs.outlineStyle + ' ' + cs.outlineWidth + '; box-shadow: ' + cs.boxShadow + ')';
		return out;
	}
	let best = null;
	for (const c of cands) {
		const shown = c.colour[3] > 0 ? over(c.colour, c.on) : c.on;
		c.ratio = ratio(shown, c.on);
		c.desc = c.what + ' ' + show(shown) + ' on ' + show(c.on) + ' (' + c.ratio.toFixed(2) + ':1)';
		if (!best || c.ratio > best.ratio) best = c;
	}
	out.indicator = best.desc;
	out.ratio = best.ratio;
	if (best.ratio < want) out.problem = 'the focus indicator, ' + best.desc + ', has less contrast than ' + want + ':1 with what is behind it';
	return out;
})`

// Focused describes what has the keyboard focus now; Matches says whether
// it matches sel (which may be empty).
func (b *Browser) Focused(sel string) Focus {
	b.t.Helper()
	return Run(b, "describe the focus", chromedp.Evaluate[Focus](fmt.Sprintf("%s(%s, %v)", focusJS, jsString(sel), MinFocusContrast)))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// Press sends keys to whatever has the focus, as a person typing: text,
// or keys named in package kb (kb.Tab, kb.Enter, kb.ArrowDown…). Use
// PressToOpen for a key that leads to another page.
func (b *Browser) Press(keys string) {
	b.t.Helper()
	b.Do(fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// PressToOpen presses keys that lead to another page (Enter on a link or
// a submit button) and waits for that page (following redirects). It
// returns its HTTP status and checks it at phone width (CheckPhone).
func (b *Browser) PressToOpen(keys string) int {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	what := fmt.Sprintf("press %q on %s", keys, b.Focused("").Element)
	resp, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(keys))
	if err != nil {
		b.fatal(what, err)
	}
	if resp == nil {
		b.fatal(what, errors.New("no page loaded"))
	}
	b.CheckPhone("after pressing "+fmt.Sprintf("%q", keys), false)
	return int(resp.Status)
}

// Tab presses Tab once and returns what has the focus then.
func (b *Browser) Tab(sel string) Focus {
	b.t.Helper()
	b.Press(kb.Tab)
	return b.Focused(sel)
}

// TabTo presses Tab until the element sel has the focus, as a person
// moving through the page by keyboard, and returns how many presses that
// took. It fails the test if Tab does not reach sel (going round the page
// or MaxTabs presses), listing what it went through. Whether each focus
// shows is CheckFocus's part.
func (b *Browser) TabTo(sel string) int {
	b.t.Helper()
	var passed []string
	for n := 1; n <= MaxTabs; n++ {
		f := b.Tab(sel)
		if f.Matches {
			return n
		}
		if f.Repeat {
			break
		}
		if !f.None {
			passed = append(passed, f.Element)
		}
	}
	b.fatal("tab to "+sel, fmt.Errorf("Tab never reached it; it went through:\n  %s", strings.Join(passed, "\n  ")))
	return 0
}

// CheckFocus goes through the page shown now with Tab, from its top, in
// the current theme, and fails the test (without stopping it) when any
// element's focus does not show: no outline or box-shadow when focused,
// one in a colour with less than MinFocusContrast against what is behind
// it, or focus on something not shown. It reports once per page, the
// elements grouped by what is wrong. Call it on a page just opened (Tab
// starts where the focus was). It returns what it visited, in order, each
// with its Problem, so that a test can see the tour was not empty.
func (b *Browser) CheckFocus(name string) []Focus {
	b.t.Helper()
	var seen []Focus
	none := 0
	for len(seen) < MaxTabs {
		f := b.Tab("")
		if f.Repeat {
			break
		}
		if f.None {
			// Focus left the page after its last element, or the page
			// has nothing to focus.
			if none++; none >= 2 || len(seen) > 0 {
				break
			}
			continue
		}
		seen = append(seen, f)
	}
	if len(seen) == 0 {
		b.t.Errorf("%s (%s, %s theme): Tab focuses nothing on the page", name, b.Path(), b.theme)
	}
	var problems []string
	byProblem := map[string][]string{}
	for _, f := range seen {
		if f.Problem == "" {
			continue
		}
		if _, ok := byProblem[f.Problem]; !ok {
			problems = append(problems, f.Problem)
		}
		byProblem[f.Problem] = append(byProblem[f.Problem], f.Element)
	}
	if len(problems) > 0 {
		var sb strings.Builder
		n := 0
		for _, p := range problems {
			n += len(byProblem[p])
			fmt.Fprintf(&sb, "\n- %s, on %d: %s", p, len(byProblem[p]), strings.Join(byProblem[p], ", "))
		}
		b.t.Errorf("%s (%s, %s theme): focus not visible on %d of %d links and controls:%s", name, b.Path(), b.theme, n, len(seen), sb.String())
	}
	return seen
}
