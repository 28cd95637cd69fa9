package markdown

import (
	"bytes"
	"errors"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// How the limits in limits.go are enforced. goldmark has no way to stop a
// parse, so a hook that finds a limit passed panics with the *LimitError,
// and Parse and Doc.Render recover it (and only it). goldmark keeps no
// state between calls outside the parser context, which each parse makes
// afresh, so an abandoned parse leaves nothing behind.

// budget counts, for one text, what the limits bound.
type budget struct {
	field      Field
	cells      int
	delimiters int
	brackets   int
	links      int
	refBytes   int
	scanned    int
}

// exceed stops the parse or render in progress: l has been passed.
func (b *budget) exceed(l Limit) {
	panic(newLimitError(b.field, l))
}

// addLink counts one more link or image.
func (b *budget) addLink() {
	if b.links++; b.links > MaxLinks {
		b.exceed(LimitLinks)
	}
}

// catch turns a panic carrying a *LimitError into *err; other panics go on.
// It must be deferred directly.
func catch(err *error) {
	if v := recover(); v != nil {
		le, ok := v.(*LimitError)
		if !ok {
			panic(v)
		}
		*err = le
	}
}

// guardedContext is the parser context of one parse: goldmark's own, plus
// the budget, and reference lookups that count what they copy.
type guardedContext struct {
	parser.Context
	b *budget
}

// budgetOf returns the budget of the parse pc belongs to, or nil for a
// context that is not ours (then nothing is counted).
func budgetOf(pc parser.Context) *budget {
	if g, ok := pc.(*guardedContext); ok {
		return g.b
	}
	return nil
}

// Reference implements parser.Context: every use of a definition copies
// its destination and title into the document.
func (c *guardedContext) Reference(label string) (parser.Reference, bool) {
	ref, ok := c.Context.Reference(label)
	if ok {
		if c.b.refBytes += len(ref.Destination()) + len(ref.Title()); c.b.refBytes > MaxReferenceBytes {
			c.b.exceed(LimitReferences)
		}
	}
	return ref, ok
}

// guardOptions returns the parser options that install the hooks.
func guardOptions() []parser.Option {
	return []parser.Option{
		// Before every built-in parser, so each sees the line first; the
		// inline one after the task list's checkbox (0), which is no link.
		parser.WithBlockParsers(util.Prioritized(nestingGuard{}, -1000)),
		parser.WithInlineParsers(util.Prioritized(markCounter{}, 1)),
		// After link reference definitions (100) are taken out of the
		// paragraph, before the table extension (200) turns it into a table.
		parser.WithParagraphTransformers(util.Prioritized(tableGuard{}, 150)),
	}
}

// nestingGuard is a block parser that never opens a block: it sees each
// line where a quote or list could open inside its container and refuses
// one more level past MaxNesting.
type nestingGuard struct{}

// Trigger implements parser.BlockParser: what may open a quote or list.
func (nestingGuard) Trigger() []byte { return []byte(">-+*0123456789") }

// Open implements parser.BlockParser.
func (nestingGuard) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	b := budgetOf(pc)
	if b == nil || parent.Kind() == ast.KindList || containerDepth(parent) < MaxNesting {
		// Inside a list that has just opened, the marker opens its first
		// item, not another level.
		return nil, parser.NoChildren
	}
	line, _ := reader.PeekLine()
	if pos := pc.BlockOffset(); pos >= 0 && pos < len(line) && opensContainer(line[pos:]) {
		b.exceed(LimitNesting)
	}
	return nil, parser.NoChildren
}

// Continue implements parser.BlockParser; never called, as Open opens nothing.
func (nestingGuard) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }

// Close implements parser.BlockParser.
func (nestingGuard) Close(ast.Node, text.Reader, parser.Context) {}

// CanInterruptParagraph implements parser.BlockParser: a quote or list may
// start on a paragraph's next line.
func (nestingGuard) CanInterruptParagraph() bool { return true }

// CanAcceptIndentedLine implements parser.BlockParser: a line indented four
// or more is code or continued text, never a new container.
func (nestingGuard) CanAcceptIndentedLine() bool { return false }

// containerDepth is how many quotes and lists n is inside, n included.
func containerDepth(n ast.Node) int {
	d := 0
	for ; n != nil; n = n.Parent() {
		switch n.Kind() {
		case ast.KindBlockquote, ast.KindList:
			d++
		}
	}
	return d
}

// opensContainer reports whether line starts with a quote marker or a list
// item marker: ">", "-", "+" or "*" followed by a space or the line's end,
// or up to nine digits with "." or ")" followed by the same. It may take a
// thematic break ("- - -") for a list; at the deepest level that refuses a
// little more than it must.
func opensContainer(line []byte) bool {
	if line[0] == '>' {
		return true
	}
	i := 0
	switch c := line[0]; {
	case c == '-' || c == '+' || c == '*':
		i = 1
	case c >= '0' && c <= '9':
		for i < len(line) && i < 9 && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		if i == len(line) || line[i] != '.' && line[i] != ')' {
			return false
		}
		i++
	default:
		return false
	}
	return i == len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'
}

// markCounter is an inline parser that counts the emphasis runs and opening
// brackets the real parsers are about to look at; it parses nothing itself
// but runs of three or more tildes.
type markCounter struct{}

// Trigger implements parser.InlineParser.
func (markCounter) Trigger() []byte { return []byte{'*', '_', '~', '[', '!', ']'} }

// Parse implements parser.InlineParser.
func (markCounter) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	b := budgetOf(pc)
	if b == nil {
		return nil
	}
	line, _ := block.PeekLine()
	if len(line) == 0 {
		return nil
	}
	switch line[0] {
	case ']':
		// "](" starts a link destination, which the link parser reads up to
		// a space or an unbalanced ")" however far away: each unclosed one
		// reads the rest of the line again. Read it the same way, once per
		// destination, to count the cost before the parser pays it.
		if len(line) > 1 && line[1] == '(' {
			if b.scanned += destinationLen(line[2:]); b.scanned > MaxDestinationScan {
				b.exceed(LimitUnclosedLinks)
			}
		}
	case '!':
		if len(line) < 2 || line[1] != '[' {
			return nil
		}
		fallthrough
	case '[':
		if b.brackets++; b.brackets > MaxBrackets {
			b.exceed(LimitBrackets)
		}
	default:
		if b.delimiters++; b.delimiters > MaxDelimiters {
			b.exceed(LimitDelimiters)
		}
		if line[0] == '~' {
			// More than two tildes strike nothing through: the
			// strikethrough parser declines the run, then every tilde of
			// it in turn, rescanning the rest each time (quadratic). Take
			// the run as the plain text it ends up as, in one go.
			n := 1
			for n < len(line) && line[n] == '~' {
				n++
			}
			if n > 2 {
				_, seg := block.PeekLine()
				block.Advance(n)
				return ast.NewTextSegment(seg.WithStop(seg.Start + n))
			}
		}
	}
	return nil
}

// destinationLen returns how many bytes of rest (what follows "](") the link
// parser reads as a destination: to the closing ">" of one in angle
// brackets, otherwise to a space or a ")" that closes no "(".
func destinationLen(rest []byte) int {
	i := 0
	for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t') {
		i++
	}
	if i < len(rest) && rest[i] == '<' {
		if j := bytes.IndexByte(rest[i:], '>'); j >= 0 {
			return i + j
		}
		return len(rest)
	}
	opened := 0
	for ; i < len(rest); i++ {
		switch c := rest[i]; {
		case c == '\\' && i+1 < len(rest) && util.IsPunct(rest[i+1]):
			i++
		case c == '(':
			opened++
		case c == ')':
			if opened--; opened < 0 {
				return i
			}
		case util.IsSpace(c):
			return i
		}
	}
	return i
}

// tableGuard is a paragraph transformer that runs just before the table
// extension's: if the paragraph is a table it counts its columns and cells,
// which the extension would build (padding every short row) all at once.
// It finds the table the way the extension does: the first line that is a
// delimiter row, with a header row of as many cells above it; every later
// line of the paragraph is a row.
type tableGuard struct{}

// Transform implements parser.ParagraphTransformer.
func (tableGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	b := budgetOf(pc)
	lines := node.Lines()
	if b == nil || lines.Len() < 2 {
		return
	}
	src := reader.Source()
	for i := 1; i < lines.Len(); i++ {
		delim, header := lines.At(i), lines.At(i-1)
		cols := delimiterColumns(delim.Value(src))
		if cols == 0 {
			continue
		}
		header = header.TrimLeftSpace(src)
		header = header.TrimRightSpace(src)
		if headerCells(header.Value(src)) != cols {
			return // not a table: the extension gives up here too
		}
		if cols > MaxTableColumns {
			b.exceed(LimitTableColumns)
		}
		rows := lines.Len() - i // the header and every line after the delimiter row
		if b.cells += cols * rows; b.cells > MaxTableCells {
			b.exceed(LimitTableCells)
		}
		return
	}
}

var tableDelimColumn = regexp.MustCompile(`^\s*:?-+:?\s*$`)

// delimiterColumns returns how many columns line declares if it is a table's
// delimiter row (|---|:-:|), otherwise 0.
func delimiterColumns(line []byte) int {
	if w, _ := util.IndentWidth(line, 0); w > 3 {
		return 0
	}
	allDashes := true
	for _, c := range line {
		if c != '-' {
			allDashes = false
		}
		if !(util.IsSpace(c) || c == '-' || c == '|' || c == ':') {
			return 0
		}
	}
	if allDashes {
		return 0
	}
	cols := bytes.Split(line, []byte{'|'})
	if util.IsBlank(cols[0]) {
		cols = cols[1:]
	}
	if len(cols) > 0 && util.IsBlank(cols[len(cols)-1]) {
		cols = cols[:len(cols)-1]
	}
	for _, c := range cols {
		if !tableDelimColumn.Match(c) {
			return 0
		}
	}
	return len(cols)
}

// headerCells counts the cells of a trimmed table row as the table
// extension splits it: at each "|" not preceded by a backslash, with a
// leading and a trailing "|" dropped.
func headerCells(line []byte) int {
	pos, limit := 0, len(line)
	if limit > 0 && line[0] == '|' {
		pos++
	}
	if limit > 0 && line[limit-1] == '|' {
		limit--
	}
	n := 0
	for pos < limit {
		n++
		end := pos
		for ; end < limit; end++ {
			if line[end] == '|' && (end == 0 || line[end-1] != '\\') {
				break
			}
		}
		pos = end + 1
	}
	return n
}

// errTooMuchHTML is what a limitedWriter returns past its bound.
var errTooMuchHTML = errors.New("markdown: output over the limit")

// limitedWriter appends to a buffer until it would hold more than max bytes.
// Past that it panics with the budget's LimitError if panics is set (for
// goldmark's renderer, which ignores write errors and would walk on),
// otherwise it returns errTooMuchHTML.
type limitedWriter struct {
	buf    *bytes.Buffer
	max    int
	b      *budget
	panics bool
}

// Write implements io.Writer.
func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.max {
		if w.panics {
			w.b.exceed(LimitHTMLBytes)
		}
		return 0, errTooMuchHTML
	}
	return w.buf.Write(p)
}
