package browser

import (
	"strings"

	"github.com/chromedp/chromedp"
)

// PhoneWidth and PhoneHeight are a common phone's screen in CSS pixels;
// DesktopWidth and DesktopHeight are the window the browser starts with.
const (
	PhoneWidth    = 390
	PhoneHeight   = 844
	DesktopWidth  = 1280
	DesktopHeight = 900
)

// sidewaysJS finds what makes the page shown now scroll sideways: the page
// itself wider than the screen, or a box that scrolls sideways inside it
// (a table in a scrolling wrapper is still a page a person must pan).
// Members' own preformatted code and tables may scroll inside a post
// (.body), as in every forum; nothing of Sharefair's own may. It returns
// one line per offender, at most ten, the widest first.
const sidewaysJS = `(() => {
	const vw = document.documentElement.clientWidth;
	const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
		(e.classList.length ? '.' + Array.from(e.classList).join('.') : '');
	const path = e => { const p = []; for (let x = e; x && x !== document.body && p.length < 4; x = x.parentElement) p.unshift(name(x)); return p.join(' > '); };
	const scrolls = e => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
	const inScroller = e => { for (let x = e.parentElement; x && x !== document.body; x = x.parentElement) if (scrolls(x)) return true; return false; };
	const out = [];
	if (document.documentElement.scrollWidth > vw + 1) {
		out.push({w: document.documentElement.scrollWidth, s: 'the page is ' + document.documentElement.scrollWidth + 'px wide on a ' + vw + 'px screen'});
		for (const e of document.body.querySelectorAll('*')) {
			const r = e.getBoundingClientRect();
			if (r.width > 0 && r.right > vw + 1 && !inScroller(e) &&
				!(e.parentElement && e.parentElement.getBoundingClientRect().right > vw + 1)) {
				out.push({w: Math.round(r.right), s: path(e) + ' reaches ' + Math.round(r.right) + 'px'});
			}
		}
	}
	for (const e of document.body.querySelectorAll('*')) {
		if (e.closest('.body')) continue;
		const ox = getComputedStyle(e).overflowX;
		if ((ox === 'auto' || ox === 'scroll') && e.scrollWidth > e.clientWidth + 1) {
			out.push({w: e.scrollWidth, s: path(e) + ' scrolls sideways (' + e.scrollWidth + 'px in ' + e.clientWidth + 'px)'});
		}
	}
	out.sort((a, b) => b.w - a.w);
	return out.slice(0, 10).map(o => o.s);
})()`

// AtPhoneWidth shows the page at phone width, runs fn, and restores the
// desktop window.
func (b *Browser) AtPhoneWidth(fn func()) {
	b.t.Helper()
	b.Do("show at phone width", chromedp.EmulateViewport(PhoneWidth, PhoneHeight, chromedp.EmulateMobile))
	defer b.Do("show at desktop width", chromedp.EmulateViewport(DesktopWidth, DesktopHeight))
	fn()
}

// Sideways returns what makes the page shown now scroll sideways at the
// current width, one line each (none when it fits).
func (b *Browser) Sideways() []string {
	b.t.Helper()
	return Run(b, "look for sideways scrolling", chromedp.Evaluate[[]string](sidewaysJS))
}

// CheckPhone shows the page at phone width and fails the test (without
// stopping it) when anything makes it scroll sideways, naming what sticks
// out; WCAG 2.1's Reflow (1.4.10) asks the same at 320px. With
// screenshot, it saves a phone-width screenshot as name-phone (when
// screenshots are on).
func (b *Browser) CheckPhone(name string, screenshot bool) {
	b.t.Helper()
	b.AtPhoneWidth(func() {
		if screenshot {
			b.Screenshot(name + "-phone")
		}
		if bad := b.Sideways(); len(bad) > 0 {
			b.t.Errorf("%s (%s) scrolls sideways at %dpx:\n  %s", name, b.Path(), PhoneWidth, strings.Join(bad, "\n  "))
		}
	})
}
