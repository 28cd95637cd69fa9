package markdown

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what rendering one piece of member-written Markdown may produce.
//
// Members may write up to sharefair.MaxPostLen characters, but Markdown can
// make a short text expand a great deal: a table's delimiter row sets how many
// cells every row has, so 8,400 characters once became 19.6 MB of HTML; one
// reference definition can be repeated by every [a][r] after it. Each limit
// is checked while parsing or rendering, the moment it is passed, so refusing
// costs no more than the part of the text read so far. Ordinary writing stays
// far inside every one of them.
const (
	// MaxTableColumns is the most columns a table may have. A page is read on
	// phones too; more than a few dozen columns is a spreadsheet, not a post.
	MaxTableColumns = 50

	// MaxTableCells is the most table cells, header included, in all the
	// tables of one text together. Rows shorter than the header are padded,
	// so this bounds what a table costs whatever its rows hold.
	MaxTableCells = 5000

	// MaxNesting is how deep quotes and lists may nest in each other. Each
	// level costs the parser work on every later line and the renderer a
	// level of recursion; nobody quotes a quote sixteen times.
	MaxNesting = 16

	// MaxDelimiters is the most emphasis marks (runs of *, _ or ~) a text may
	// hold. Unmatched runs are rescanned one character at a time, which is
	// quadratic in the length of a run.
	MaxDelimiters = 2000

	// MaxBrackets is the most opening square brackets ("[" and "![") a text
	// may hold; each is a possible link the parser keeps open and looks back
	// through, and an unclosed one is scanned to the end of its paragraph.
	MaxBrackets = 1000

	// MaxDestinationScan bounds the bytes the link parser reads looking for
	// the end of inline link destinations, "](…)". Destinations that are
	// closed do not overlap, so they add up to less than the text; only
	// unclosed ones ("[a](" many times on one line) read the same bytes
	// again and again, quadratically.
	MaxDestinationScan = 100_000

	// MaxLinks is the most links, images, automatic links and @mention links
	// in one text: each one is an element a reader's browser lays out and
	// may fetch.
	MaxLinks = 500

	// MaxReferenceBytes bounds the bytes of link addresses and titles that
	// reference links ([text][label]) copy from their definitions, counted
	// over every use; the definition is written once but repeated each time.
	MaxReferenceBytes = 50_000

	// MaxMentions is the most different members one text may @mention. Each
	// is looked up before rendering (and may later be notified).
	MaxMentions = 50

	// MaxHTMLBytes bounds the HTML one text renders to, before and after
	// sanitising. Within the other limits nothing we know of reaches it at
	// the input limit: text expands at most about six times (each character
	// an entity such as &quot;, or "`&`" a code span), 120 KB. It is the
	// backstop for whatever expansion the others miss, and for longer fields.
	MaxHTMLBytes = 160 << 10
)

// Limit names one of the bounds above, as reported by LimitError.
type Limit string

// The limits a LimitError may report.
const (
	LimitTableColumns  Limit = "table_columns"
	LimitTableCells    Limit = "table_cells"
	LimitNesting       Limit = "nesting"
	LimitDelimiters    Limit = "delimiters"
	LimitBrackets      Limit = "brackets"
	LimitUnclosedLinks Limit = "unclosed_links"
	LimitLinks         Limit = "links"
	LimitReferences    Limit = "references"
	LimitMentions      Limit = "mentions"
	LimitHTMLBytes     Limit = "html_bytes"
)

// Field names the form field a text comes from, so that a refusal can name it:
// Name is the field's key in forms and the API ("body"), Label what a person
// calls it ("Post").
type Field struct {
	Name  string
	Label string
}

// LimitError reports that a text would pass one of the rendering limits.
// Message says so in plain words, naming the field; it is safe to show.
type LimitError struct {
	Field   Field
	Limit   Limit
	Max     int
	Message string
}

// Error implements the error interface.
func (e *LimitError) Error() string {
	return "markdown: " + e.Field.Name + ": " + e.Message
}

// newLimitError returns the error for passing limit l in field f.
func newLimitError(f Field, l Limit) *LimitError {
	the := "The " + noun(f.Label)
	var max int
	var msg string
	switch l {
	case LimitTableColumns:
		max = MaxTableColumns
		msg = the + " has a table with more than " + count(max) + " columns."
	case LimitTableCells:
		max = MaxTableCells
		msg = the + " has more than " + count(max) + " table cells in all; shorten or split its tables."
	case LimitNesting:
		max = MaxNesting
		msg = the + " nests quotes or lists more than " + count(max) + " levels deep."
	case LimitDelimiters:
		max = MaxDelimiters
		msg = the + " has more than " + count(max) + " emphasis marks (*, _ or ~)."
	case LimitBrackets:
		max = MaxBrackets
		msg = the + " has more than " + count(max) + " opening square brackets ([)."
	case LimitUnclosedLinks:
		max = MaxDestinationScan
		msg = the + " has too many unfinished links: “](” with no closing “)” after it on the same line."
	case LimitLinks:
		max = MaxLinks
		msg = the + " has more than " + count(max) + " links and images."
	case LimitReferences:
		max = MaxReferenceBytes
		msg = the + " repeats its reference links too often: together they would copy more than " +
			count(max) + " characters of link addresses."
	case LimitMentions:
		max = MaxMentions
		msg = the + " mentions more than " + count(max) + " different members."
	case LimitHTMLBytes:
		max = MaxHTMLBytes
		msg = the + " would be more than " + count(max>>10) + " KB once formatted; shorten it or split it into several."
	default:
		msg = the + " is too complex to show."
	}
	return &LimitError{Field: f, Limit: l, Max: max, Message: msg}
}

// noun turns a label ("Post", "Description") into the word used inside a
// sentence ("post"); labels starting with an acronym ("URL") are kept.
func noun(label string) string {
	if label == "" {
		return "text"
	}
	r, n := utf8.DecodeRuneInString(label)
	if next, _ := utf8.DecodeRuneInString(label[n:]); unicode.IsUpper(next) {
		return label
	}
	return string(unicode.ToLower(r)) + label[n:]
}

// count writes n with thousands separators: 5,000.
func count(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
