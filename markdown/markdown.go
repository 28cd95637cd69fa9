// Package markdown renders member-written Markdown into sanitised HTML.
//
// Posts are rendered once, on write, and the HTML is stored and later inserted
// into pages as trusted markup; the Markdown source is kept for editing.
// Rendering is goldmark (CommonMark + GFM, raw HTML omitted) followed by a
// bluemonday pass, so a bug in one layer alone does not open an XSS hole.
// Images load only from Sharefair itself: one from another server would tell
// it who opened the page, so it is rendered as a link to the image instead,
// and both layers keep every other image source out.
//
// What one text may render to is bounded (limits.go): a text past a bound is
// refused with a *LimitError naming its field, found while parsing or
// rendering, never by rendering in full and measuring.
package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Renderer turns member-written Markdown into sanitised HTML, within the
// limits in limits.go. Safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	bufs   sync.Pool // *bytes.Buffer for goldmark's output
}

// New returns a Renderer.
func New() *Renderer { return newRenderer(guardOptions()...) }

// newRenderer returns a Renderer whose parser has opts; tests compare one
// without the guards.
func newRenderer(opts ...parser.Option) *Renderer {
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
		goldmark.WithParserOptions(opts...),
		// No html.WithUnsafe: raw HTML in the source is omitted, not passed through.
		// No html.WithHardWraps: a single newline stays a soft break.
	)
	return &Renderer{md: md, policy: newPolicy(), bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
}

// newPolicy returns the bluemonday policy applied to goldmark's output.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()

	// UGCPolicy already limits URLs to http, https, mailto and relative ones and
	// adds rel="nofollow"; postProcessor puts the full rel on every link, so the
	// only rel value we accept is exactly that one.
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(mention|remote-image)$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w-]+$`)).OnElements("code")

	// Task-list checkboxes. Raw HTML never reaches the sanitiser (goldmark omits
	// it), so the only <input> it sees is goldmark's disabled checkbox; even so,
	// nothing but these three attributes survives (no name, value, form, on*).
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")

	// Images: from Sharefair itself only, so that no other server learns who
	// reads what (see walker.image, which has already turned every other one
	// into a link or its alt text). UGCPolicy's src rule admits any http(s),
	// mailto or relative URL and rules can only be added, not narrowed, so
	// blank anything but a path here.
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	p.RewriteSrc(func(u *url.URL) {
		if !localURL(u) {
			*u = url.URL{}
		}
	})
	return p
}

// Doc is one parsed text, between Parse and Render.
type Doc struct {
	r        *Renderer
	src      []byte
	root     ast.Node
	b        *budget
	mentions []string
	rendered bool
}

// Parse parses src, the content of field f, and finds its @mentions. It
// returns a *LimitError, naming f, when src passes one of the limits that
// parsing can tell (tables, nesting, emphasis marks, brackets, links,
// reference links, mentions); parsing stops there.
func (r *Renderer) Parse(f Field, src string) (doc *Doc, err error) {
	b := &budget{field: f}
	defer catch(&err)
	source := []byte(src)
	pc := &guardedContext{Context: parser.NewContext(), b: b}
	root := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(pc))
	st := &mentionState{collect: true}
	w := walker{source: source, st: st, b: b, survey: true}
	w.walk(root)
	return &Doc{r: r, src: source, root: root, b: b, mentions: st.found}, nil
}

// Mentions returns the distinct lower-cased @handles the text mentions, in
// order of first appearance (not counting ones inside code spans, code
// blocks, or link text/autolinks). There are at most MaxMentions.
func (d *Doc) Mentions() []string { return d.mentions }

// Render returns the sanitised HTML of d. known is the set of lower-cased
// handles that name real members; only those mentions become links. known
// may be nil (then no mention links). It returns a *LimitError when the
// links or the HTML would pass their limits; rendering stops there. A Doc
// is rendered once.
func (d *Doc) Render(known map[string]bool) (html string, err error) {
	if d.rendered {
		return "", errors.New("markdown: document rendered twice")
	}
	d.rendered = true
	defer catch(&err)
	w := walker{source: d.src, st: &mentionState{known: known}, b: d.b}
	w.walk(d.root)

	raw := d.r.bufs.Get().(*bytes.Buffer)
	defer func() {
		raw.Reset()
		d.r.bufs.Put(raw) // at most MaxHTMLBytes and a write
	}()
	if err := d.r.md.Renderer().Render(&limitedWriter{buf: raw, max: MaxHTMLBytes, b: d.b, panics: true}, d.src, d.root); err != nil {
		return "", fmt.Errorf("markdown: render: %w", err)
	}
	var out bytes.Buffer
	out.Grow(raw.Len())
	if err := d.r.policy.SanitizeReaderToWriter(raw, &limitedWriter{buf: &out, max: MaxHTMLBytes, b: d.b}); err != nil {
		if errors.Is(err, errTooMuchHTML) {
			return "", newLimitError(d.b.field, LimitHTMLBytes)
		}
		return "", fmt.Errorf("markdown: sanitise: %w", err)
	}
	return out.String(), nil
}

// Render parses and renders src, the content of field f, in one step; see
// Parse and Doc.Render. known may be nil (then no mention links).
func (r *Renderer) Render(f Field, src string, known map[string]bool) (string, error) {
	d, err := r.Parse(f, src)
	if err != nil {
		return "", err
	}
	return d.Render(known)
}
