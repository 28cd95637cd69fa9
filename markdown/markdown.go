// Package markdown renders member-written Markdown into sanitised HTML.
//
// Posts are rendered once, on write, and the HTML is stored and later inserted
// into pages as trusted markup; the Markdown source is kept for editing.
// Rendering is goldmark (CommonMark + GFM, raw HTML omitted) followed by a
// bluemonday pass, so a bug in one layer alone does not open an XSS hole.
package markdown

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer turns member-written Markdown into sanitised HTML. Safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	bufs   sync.Pool // *bytes.Buffer for goldmark's output
}

// New returns a Renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			// extension.GFM, except that table alignment is rendered as
			// align="…", which the policy keeps, not style="text-align:…",
			// which it strips.
			extension.Linkify,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.TaskList,
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(postProcessor{}, 100)),
		),
		// No html.WithUnsafe: raw HTML in the source is omitted, not passed through.
		// No html.WithHardWraps: a single newline stays a soft break.
	)
	return &Renderer{
		md:     md,
		policy: newPolicy(),
		bufs:   sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
}

// newPolicy returns the bluemonday policy applied to goldmark's output.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()

	// UGCPolicy already limits URLs to http, https, mailto and relative ones and
	// adds rel="nofollow"; postProcessor puts the full rel on every link, so the
	// only rel value we accept is exactly that one.
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^mention$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w-]+$`)).OnElements("code")

	// Task-list checkboxes. Raw HTML never reaches the sanitiser (goldmark omits
	// it), so the only <input> it sees is goldmark's disabled checkbox; even so,
	// nothing but these three attributes survives (no name, value, form, on*).
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")

	// Images: http(s) only. UGCPolicy's src rule also admits mailto: and relative
	// URLs and rules can only be added, not narrowed, so blank anything else here.
	// postProcessor already turns such images into their alt text.
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	p.RewriteSrc(func(u *url.URL) {
		if u.Scheme != "http" && u.Scheme != "https" {
			*u = url.URL{}
		}
	})
	return p
}

// Render returns sanitised HTML for src. known is the set of lower-cased handles that name
// real members; only those mentions become links. known may be nil (then no mention links).
func (r *Renderer) Render(src string, known map[string]bool) (string, error) {
	buf := r.bufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 { // don't keep a huge post's buffer alive
			buf.Reset()
			r.bufs.Put(buf)
		}
	}()

	pc := parser.NewContext()
	pc.Set(mentionKey, &mentionState{known: known})
	if err := r.md.Convert([]byte(src), buf, parser.WithContext(pc)); err != nil {
		return "", fmt.Errorf("markdown: convert: %w", err)
	}

	var out strings.Builder
	out.Grow(buf.Len())
	if err := r.policy.SanitizeReaderToWriter(buf, &out); err != nil {
		return "", fmt.Errorf("markdown: sanitise: %w", err)
	}
	return out.String(), nil
}

// Mentions returns the distinct lower-cased @handles that src mentions, in order of first appearance
// (not counting ones inside code spans, code blocks, or link text/autolinks).
func (r *Renderer) Mentions(src string) []string {
	st := &mentionState{collect: true}
	pc := parser.NewContext()
	pc.Set(mentionKey, st)
	r.md.Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(pc))
	return st.found
}
