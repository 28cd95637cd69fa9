package markdown

import (
	"bytes"
	"net/url"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is the rel every rendered link carries. bluemonday can only add
// "nofollow" (and "noreferrer"), so the AST gets the whole value and the policy
// accepts exactly this string.
const linkRel = "nofollow noopener ugc"

// mentionState is what one parse needs to know and learns about @mentions.
type mentionState struct {
	known   map[string]bool // handles to link; nil links none
	collect bool            // record every mention in found
	found   []string        // distinct lower-cased handles, first appearance first
	seen    map[string]struct{}
}

func (s *mentionState) add(handle string) {
	if _, ok := s.seen[handle]; ok {
		return
	}
	if s.seen == nil {
		s.seen = make(map[string]struct{})
	}
	s.seen[handle] = struct{}{}
	s.found = append(s.found, handle)
}

// walker goes over a parsed document twice. The survey, in Parse, counts
// links and images and collects @mentions; the second walk, in Doc.Render,
// links the mentions of known members, puts rel on links and lazy loading on
// images on Sharefair, and turns every other image into a link or its alt
// text (see image).
// Both merge adjacent text nodes the same way, so they see the same text.
type walker struct {
	source []byte
	st     *mentionState
	b      *budget
	survey bool // count and collect only: change nothing a reader sees
	inLink bool // inside link text: no mentions there
}

func (w *walker) walk(n ast.Node) {
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		switch c := c.(type) {
		case *ast.Text:
			next = w.text(c)
		case *ast.Link:
			if w.survey {
				w.b.addLink()
			}
			c.SetAttributeString("rel", []byte(linkRel))
			saved := w.inLink
			w.inLink = true
			w.walk(c)
			w.inLink = saved
		case *ast.AutoLink:
			if w.survey {
				w.b.addLink()
			}
			c.SetAttributeString("rel", []byte(linkRel))
		case *ast.Image:
			// Its alt text is not searched for mentions.
			if w.survey {
				w.b.addLink()
			} else {
				w.image(n, c)
			}
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML:
			// Code and (omitted) raw HTML: leave alone.
		default:
			w.walk(c)
		}
		c = next
	}
}

// image keeps an image whose source is on Sharefair itself (a path such as
// /static/chart.png), marked for lazy loading. An image from anywhere else
// would tell that server who opened the page and when, so an http(s) one
// becomes a link to it ("Image: " and its alt text, or its host when it has
// none), and any other becomes its alt text. Inside a link, where a link
// cannot go, a remote image becomes the same words without one.
func (w *walker) image(parent ast.Node, img *ast.Image) {
	if localImage(img.Destination) {
		img.SetAttributeString("loading", []byte("lazy"))
		return
	}
	if !hasHTTPScheme(img.Destination) {
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, img, c)
			c = next
		}
		parent.RemoveChild(parent, img)
		return
	}
	// The words, flattened as alt text is: the text of the image's
	// children, without their emphasis or links.
	var leaves []ast.Node
	empty := true
	var collect func(n ast.Node)
	collect = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				leaves = append(leaves, c)
				empty = empty && len(bytes.TrimSpace(c.Value(w.source))) == 0
			case *ast.String:
				leaves = append(leaves, c)
				empty = empty && len(bytes.TrimSpace(c.Value)) == 0
			default:
				collect(c)
			}
		}
	}
	collect(img)
	label := rawString("Image: ")
	if empty {
		leaves = []ast.Node{rawString(imageHost(img.Destination))}
	}
	var into ast.Node = parent
	if !w.inLink {
		l := ast.NewLink()
		l.Destination = img.Destination
		l.Title = img.Title
		l.SetAttributeString("class", []byte("remote-image"))
		l.SetAttributeString("rel", []byte(linkRel))
		parent.InsertBefore(parent, img, l)
		into = l
	}
	add := func(n ast.Node) {
		if into == parent {
			parent.InsertBefore(parent, img, n)
		} else {
			into.AppendChild(into, n)
		}
	}
	add(label)
	for _, n := range leaves {
		add(n) // taking it out of the image
	}
	parent.RemoveChild(parent, img)
}

// rawString is a text node holding s as it is, HTML-escaped when rendered.
func rawString(s string) *ast.String {
	n := ast.NewString([]byte(s))
	n.SetRaw(true)
	return n
}

// imageHost is the host an image's address names, or "image" if it names none.
func imageHost(dest []byte) string {
	if u, err := url.Parse(string(dest)); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "image"
}

// localImage reports whether an image's address, as the renderer will
// write it (references resolved, escaped), is a path on Sharefair itself.
func localImage(dest []byte) bool {
	raw := string(util.URLEscape(dest, true))
	if !localPath(raw) {
		return false
	}
	u, err := url.Parse(raw)
	return err == nil && localURL(u)
}

// localURL reports whether u is a path on Sharefair itself, also once its
// escapes are decoded (a browser keeps "/%2F/x" on this host, but a proxy
// in front might not).
func localURL(u *url.URL) bool {
	return u.Scheme == "" && u.Opaque == "" && u.User == nil && u.Host == "" &&
		localPath(u.Path) && (u.RawPath == "" || localPath(u.RawPath))
}

// localPath reports whether s starts with a single "/" and holds nothing a
// browser would read as the start of another host. Browsers drop tabs and
// line breaks from addresses and take "\" for "/", so "/\evil.example/x.png"
// or "/\t/evil.example" is another host: such characters anywhere make the
// address not local.
func localPath(s string) bool {
	if len(s) < 2 || s[0] != '/' || s[1] == '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// hasHTTPScheme reports whether dest starts with http: or https:, in any case.
func hasHTTPScheme(dest []byte) bool {
	i := bytes.IndexByte(dest, ':')
	if i < 0 {
		return false
	}
	s := dest[:i]
	return bytes.EqualFold(s, []byte("http")) || bytes.EqualFold(s, []byte("https"))
}

// text links the @mentions in t and returns the node to visit after it.
// Adjacent text nodes are merged first so that a handle (or the character in
// front of it) is never split across nodes.
func (w *walker) text(t *ast.Text) ast.Node {
	for {
		nt, ok := t.NextSibling().(*ast.Text)
		if !ok || t.SoftLineBreak() || t.HardLineBreak() || t.Segment.Len() == 0 || !t.Merge(nt, w.source) {
			break
		}
		t.Parent().RemoveChild(t.Parent(), nt)
	}
	next := t.NextSibling()
	if w.inLink || t.IsRaw() {
		return next
	}

	src := w.source
	start, stop := t.Segment.Start, t.Segment.Stop
	for i := start; i < stop; i++ {
		at := bytes.IndexByte(src[i:stop], '@')
		if at < 0 {
			break
		}
		i += at
		j := i + 1
		for j < stop && isWordByte(src[j]) {
			j++
		}
		n := j - i - 1
		if n < minHandleLen || n > maxHandleLen || src[i+1] == '_' ||
			!w.boundaryBefore(t, i, start) || !w.boundaryAfter(t, j, stop) {
			continue
		}

		var buf [maxHandleLen]byte
		lower := buf[:n]
		for k, c := range src[i+1 : j] {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[k] = c
		}
		if w.st.collect {
			w.st.add(string(lower))
			if len(w.st.found) > MaxMentions {
				w.b.exceed(LimitMentions)
			}
		}
		if !w.survey && w.st.known[string(lower)] {
			w.b.addLink()
			w.link(t, i, j, lower)
		}
		i = j - 1
	}
	return next
}

// link splits t into Text (before) / Link (the mention at [i, j)) / t (the
// rest); t keeps its own line-break flags, so they stay on the last piece.
func (w *walker) link(t *ast.Text, i, j int, lower []byte) {
	parent := t.Parent()
	if i > t.Segment.Start {
		parent.InsertBefore(parent, t, ast.NewTextSegment(t.Segment.WithStop(i)))
	}
	l := ast.NewLink()
	l.Destination = append([]byte("/members/"), lower...)
	l.SetAttributeString("class", []byte("mention"))
	l.SetAttributeString("rel", []byte(linkRel))
	l.AppendChild(l, ast.NewTextSegment(text.NewSegment(i, j)))
	parent.InsertBefore(parent, t, l)
	t.Segment = text.NewSegment(j, t.Segment.Stop)
}

// boundaryBefore reports whether the @ at src[i] may start a mention: it is at
// the start of the text, or follows something other than a letter, digit, '_',
// '.', '@' or a backslash escaping it.
func (w *walker) boundaryBefore(t *ast.Text, i, start int) bool {
	src := w.source
	k := i - 1
	for k >= 0 && src[k] == '\\' {
		k--
	}
	if (i-1-k)%2 == 1 {
		return false // \@ is a literal @
	}
	var before []byte
	if i > start {
		before = src[start:i]
	} else if pt, ok := t.PreviousSibling().(*ast.Text); ok && !pt.SoftLineBreak() && !pt.HardLineBreak() {
		before = pt.Value(src)
	}
	if len(before) == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRune(before)
	return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '@')
}

// boundaryAfter reports whether a handle ending before src[j] is complete:
// nothing follows, or the next character is not [A-Za-z0-9_]. A following '@'
// (as in @alice@other.example, a handle on another server) also disqualifies.
func (w *walker) boundaryAfter(t *ast.Text, j, stop int) bool {
	src := w.source
	var c byte
	switch {
	case j < stop:
		c = src[j]
	case t.SoftLineBreak() || t.HardLineBreak():
		return true
	default:
		nt, ok := t.NextSibling().(*ast.Text)
		if !ok || nt.Segment.Start != stop || nt.Segment.Len() == 0 {
			return true
		}
		c = src[stop]
	}
	return !isWordByte(c) && c != '@'
}
