package markdown

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
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
// images, and turns images whose source is not http(s) into their alt text.
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

// image keeps an http(s) image, marked for lazy loading, and replaces any
// other with its alt text (whose content is not searched for mentions).
func (w *walker) image(parent ast.Node, img *ast.Image) {
	if hasHTTPScheme(img.Destination) {
		img.SetAttributeString("loading", []byte("lazy"))
		return
	}
	for c := img.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, img, c)
		c = next
	}
	parent.RemoveChild(parent, img)
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
