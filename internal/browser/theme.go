package browser

import (
	"context"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Theme is a colour scheme a person may ask their system for, which the
// stylesheet follows through prefers-color-scheme.
type Theme string

const (
	Light Theme = "light"
	Dark  Theme = "dark"
)

// Themes are the colour schemes every checked page is checked in. Dark
// comes first so that a check ends in light, the browser's own default,
// without one more switch.
var Themes = []Theme{Dark, Light}

// darkJS is what a page's own media query sees.
const darkJS = `window.matchMedia('(prefers-color-scheme: dark)').matches`

// SetTheme makes the browser report th as the person's colour scheme
// (Emulation.setEmulatedMedia with the prefers-color-scheme feature), for
// the page shown now and every page after it, and fails the test unless the
// page's own media query sees it. Styles follow at once: no reload.
func (b *Browser) SetTheme(th Theme) {
	b.t.Helper()
	if th != Light && th != Dark {
		b.t.Fatalf("SetTheme(%q): no such theme", th)
	}
	params := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: string(th)}}}
	b.Do("emulate the "+string(th)+" theme", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, params)
		return err
	}))
	if dark := Run(b, "check the "+string(th)+" theme took", chromedp.Evaluate[bool](darkJS)); dark != (th == Dark) {
		b.t.Fatalf("emulated the %s theme, but the page's prefers-color-scheme: dark query says %v", th, dark)
	}
	b.theme = th
}

// Theme returns the colour scheme the browser reports now.
func (b *Browser) Theme() Theme { return b.theme }
