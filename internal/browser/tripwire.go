package browser

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Tripwire tells whether script that Sharefair did not ship ran, or could
// run, on the pages a browser opens: the signs an injection leaves. Arm it
// once per browser, then Check after each page.
type Tripwire struct {
	b       *Browser
	mu      sync.Mutex
	dialogs []string // JavaScript dialogs the browser opened since the last Check
}

// tripwireJS runs in every frame before the page's own content, through
// the DevTools protocol, so the page's Content-Security-Policy does not
// stop it. It replaces the dialog functions an injected script calls to
// prove itself (they record instead of stopping the page) and records
// every report the Content-Security-Policy makes of something it blocked:
// a blocked inline handler or script is an injection the policy caught,
// and still a failure of escaping.
const tripwireJS = `(() => {
	const seen = [];
	Object.defineProperty(window, '__sharefairTripwire', {value: seen});
	for (const name of ['alert', 'confirm', 'prompt', 'print']) {
		window[name] = function (...args) {
			seen.push(name + '(' + args.map(String).join(', ').slice(0, 80) + ') was called');
			return name === 'confirm' ? false : name === 'prompt' ? null : undefined;
		};
	}
	document.addEventListener('securitypolicyviolation', e => {
		const at = e.target && e.target.tagName ? ' on <' + e.target.tagName.toLowerCase() + '>' : '';
		seen.push('the Content-Security-Policy blocked ' + (e.blockedURI || 'inline code') + ' (' +
			e.effectiveDirective + ')' + at + (e.sample ? ': ' + e.sample : ''));
	}, true);
})()`

// injectedJS lists what in the page shown now could run script, beyond
// what the tripwire saw run: elements that load or run code, event-handler
// attributes, and script URLs in any attribute. Sharefair's pages hold no
// script at all, and their only SVG are icons (<svg class="icon"> with one
// <use> of /static/) and avatars (<svg class="av"> of text, or a circle and
// a path). At most 20 lines, each naming the element.
const injectedJS = `(() => {
	const out = [...(window.__sharefairTripwire || ['the tripwire was not armed on this page'])];
	const name = e => {
		let s = '<' + e.tagName.toLowerCase();
		for (const a of e.attributes) s += ' ' + a.name + '="' + a.value.slice(0, 60) + '"';
		return s + '>';
	};
	const active = 'script, iframe, frame, frameset, object, embed, applet, portal, base, template, math, ' +
		'body meta, body link, body style, svg:not(.icon):not(.av), svg.icon *:not(use), ' +
		'svg.av *:not(text):not(circle):not(path), ' +
		'animate, set, animatemotion, animatetransform, foreignobject, handler, listener';
	for (const e of document.querySelectorAll(active)) out.push('an active element ' + name(e));
	for (const e of document.querySelectorAll('use')) {
		const href = e.getAttribute('href') || e.getAttribute('xlink:href') || '';
		if (!href.startsWith('/static/')) out.push('an SVG <use> of ' + href);
	}
	const scheme = /^(javascript|vbscript|livescript|data:text\/html|data:image\/svg)/;
	for (const e of document.querySelectorAll('*')) {
		for (const a of e.attributes) {
			const n = a.name.toLowerCase();
			const v = a.value.replace(/[\u0000-\u0020\u007f-\u00a0]+/g, '').toLowerCase();
			if (n.startsWith('on')) out.push('an event-handler attribute ' + a.name + ' on ' + name(e));
			else if (scheme.test(v) && n !== 'value' && n !== 'placeholder' && n !== 'title' && n !== 'alt' && n !== 'aria-label' && n !== 'content')
				out.push('a script URL in ' + a.name + ' of ' + name(e));
			else if (n === 'srcdoc' || n === 'formaction' || (n === 'style' && /expression|url\(|behavior/.test(v)))
				out.push('an active attribute ' + a.name + ' on ' + name(e));
		}
	}
	if (window.__sharefairTripwire) window.__sharefairTripwire.splice(0);
	return out.slice(0, 20);
})()`

// ArmTripwire makes every page b opens from now on record the signs of
// injected script, for Check. JavaScript dialogs are dismissed (and
// recorded) so that one cannot stall the test.
func (b *Browser) ArmTripwire() *Tripwire {
	b.t.Helper()
	tw := &Tripwire{b: b}
	b.Do("arm the tripwire", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: tripwireJS})
		return err
	}))
	if err := chromedp.Listen(b.ctx, func(ev any) {
		d, ok := ev.(*page.EventJavascriptDialogOpening)
		if !ok {
			return
		}
		tw.mu.Lock()
		tw.dialogs = append(tw.dialogs, fmt.Sprintf("a JavaScript %s dialog opened: %q", d.Type, d.Message))
		tw.mu.Unlock()
		// Not from inside the listener: a command waits for the loop
		// that calls it.
		go func() {
			ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
			defer cancel()
			_, _ = chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
				return err
			}))
		}()
	}); err != nil {
		b.t.Fatalf("listen for dialogs: %v", err)
	}
	return tw
}

// Open loads path without the phone-width check of Browser.Open (pages
// full of hostile input are checked for script here, not for layout) and
// returns the HTTP status.
func (tw *Tripwire) Open(path string) int {
	tw.b.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = tw.b.base + path
	}
	resp := Run(tw.b, "open "+u, chromedp.NavigateResponse(u))
	return int(resp.Status)
}

// Check returns every sign of injected script on the page shown now
// (none when it is clean) and starts afresh for the next page.
func (tw *Tripwire) Check() []string {
	tw.b.t.Helper()
	found := Run(tw.b, "look for injected script", chromedp.Evaluate[[]string](injectedJS))
	tw.mu.Lock()
	found = append(tw.dialogs, found...)
	tw.dialogs = nil
	tw.mu.Unlock()
	return found
}
