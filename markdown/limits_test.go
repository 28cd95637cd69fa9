package markdown

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// maxPost is the most characters a member may write in a post
// (sharefair.MaxPostLen; not imported, the root package is above this one).
const maxPost = 20000

// hangGuard is far above what any case below takes (milliseconds): it only
// catches a parse that has gone quadratic again.
const hangGuard = 2 * time.Second

// fill repeats unit up to n bytes.
func fill(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit))
}

// table returns a table of cols columns and rows body rows holding cell.
func table(cols, rows int, cell string) string {
	var b strings.Builder
	b.WriteString("|" + strings.Repeat("h|", cols) + "\n|" + strings.Repeat(":-:|", cols) + "\n")
	for range rows {
		b.WriteString("|" + strings.Repeat(cell+"|", cols) + "\n")
	}
	return b.String()
}

// handles returns n different @mentions.
func handles(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "@m%04d ", i)
	}
	return b.String()
}

// nestedLists returns lists nested depth deep by indentation.
func nestedLists(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	return b.String()
}

// The worst texts we could think of within the input limit. Each is refused
// with the limit named, or rendered within MaxHTMLBytes; either way fast.
func TestRenderLimits(t *testing.T) {
	r := New()
	// The report: 8,400 characters, a table of 1,400 columns, rows shorter
	// than its header (each padded to 1,400 cells): 19.6 MB of HTML.
	reported := "|" + strings.Repeat("a|", 1400) + "\n|" + strings.Repeat("-|", 1400) + "\n" + strings.Repeat("a\n", 1400)
	known := map[string]bool{"alice": true}
	for i := range MaxMentions + 10 {
		known[fmt.Sprintf("m%04d", i)] = true
	}
	tests := []struct {
		name  string
		src   string
		known map[string]bool
		want  Limit // "" when the text must render
	}{
		{"ReportedWideTable", reported, nil, LimitTableColumns},
		{"WideTable", table(MaxTableColumns+1, 1, "x"), nil, LimitTableColumns},
		{"WideTableEmptyRows", "|" + strings.Repeat("a|", 5000) + "\n|" + strings.Repeat("-|", 5000) + "\n" + fill("\n|", 9000), nil, LimitTableColumns},
		{"TableAtColumnLimit", table(MaxTableColumns, 20, "x"), nil, ""},
		{"ManyShortRows", table(MaxTableColumns, 0, "") + fill("|\n", maxPost-400), nil, LimitTableCells},
		{"ManyTables", strings.Repeat(table(40, 30, "x")+"\n", 5), nil, LimitTableCells},
		{"TableInQuote", "> " + strings.ReplaceAll(table(MaxTableColumns+1, 1, "x"), "\n", "\n> "), nil, LimitTableColumns},
		{"NotATableHeaderMismatch", "|a|\n|" + strings.Repeat("-|", 5000), nil, ""},
		{"DeepQuotes", fill(">", maxPost), nil, LimitNesting},
		{"DeepQuotesLazyLines", strings.Repeat(">", 10000) + "a\n" + fill("a\n", maxPost-10002), nil, LimitNesting},
		{"QuotesAtLimit", strings.Repeat(">", MaxNesting) + " deep", nil, ""},
		{"QuotesOverLimit", strings.Repeat(">", MaxNesting+1) + " deep", nil, LimitNesting},
		{"DeepListsOneLine", fill("- ", maxPost) + "a", nil, LimitNesting},
		{"DeepOrderedLists", fill("1. ", maxPost) + "a", nil, LimitNesting},
		{"DeepListsIndented", nestedLists(MaxNesting + 1), nil, LimitNesting},
		{"ListsAtLimit", nestedLists(MaxNesting), nil, ""},
		{"QuotesAndLists", fill("> - ", maxPost) + "a", nil, LimitNesting},
		{"StarRun", fill("*", maxPost), nil, ""}, // a thematic break
		{"StarWords", fill("*a", maxPost), nil, LimitDelimiters},
		{"MixedEmphasis", fill("**_", maxPost), nil, LimitDelimiters},
		{"OpenThenClose", strings.Repeat("*a", maxPost/4) + strings.Repeat("a*", maxPost/4), nil, LimitDelimiters},
		{"UnmatchedTildeRun", "a " + strings.Repeat("~", maxPost-4) + " a", nil, ""},
		{"TildeRuns", fill("a~~~ ", maxPost), nil, LimitDelimiters},
		{"UnmatchedStarRun", "a " + strings.Repeat("*", maxPost-4) + " a", nil, ""},
		{"IntrawordUnderscoreRun", "a" + strings.Repeat("_", maxPost-2) + "a", nil, ""},
		{"IntrawordTildeRun", "a" + strings.Repeat("~", maxPost-2) + "a", nil, ""},
		{"Underscores", fill("_a ", maxPost), nil, LimitDelimiters},
		{"Strikes", fill("~~a~~ ", maxPost), nil, LimitDelimiters},
		{"OpenBrackets", fill("[", maxPost), nil, LimitBrackets},
		{"NestedBrackets", strings.Repeat("[", maxPost/2) + strings.Repeat("]", maxPost/2), nil, LimitBrackets},
		{"UnclosedDestinations", fill("[a](", maxPost), nil, LimitUnclosedLinks},
		{"UnclosedAngleDestinations", fill("[a](<", maxPost), nil, LimitUnclosedLinks},
		{"UnclosedBalancedParens", fill("[a](()", maxPost), nil, LimitUnclosedLinks},
		{"UnclosedWithoutOpeners", fill("](", maxPost), nil, LimitUnclosedLinks},
		{"ChainedLinks", fill("[a](https://example.org/page(1))", 32*400), nil, ""},
		{"ImagesOpen", fill("![a", maxPost), nil, LimitBrackets},
		{"ClosingBrackets", fill("]", maxPost), nil, ""},
		{"TaskList", fill("- [ ] a\n", maxPost), nil, ""},
		{"ManyLinks", fill("[a](b) ", 7*(MaxLinks+200)), nil, LimitLinks},
		{"LinksAtLimit", fill("[a](b) ", 7*MaxLinks), nil, ""},
		{"ManyBracketedLinks", fill("[a](b) ", maxPost), nil, LimitBrackets},
		{"ManyImages", fill("![](http://a.io/i.png)", maxPost), nil, LimitLinks},
		{"ReferenceBomb", "[r]: /" + strings.Repeat("x", 10000) + "\n\n" + fill("[a][r]", maxPost-10010), nil, LimitReferences},
		{"ReferenceBombShortcut", "[r]: /" + strings.Repeat("x", 1000) + ` "` + strings.Repeat("t", 500) + "\"\n\n" + fill("[r] ", maxPost-1600), nil, LimitReferences},
		{"ReferenceBombCollapsed", "[r]: /" + strings.Repeat("x", 2000) + "\n\n" + fill("[r][]", maxPost-2010), nil, LimitReferences},
		{"ManyReferenceDefinitions", fill("[a]: b\n", maxPost), nil, ""},
		{"ShortReferenceManyUses", "[r]: /u\n\n" + fill("[r]", maxPost), nil, LimitBrackets},
		{"DistinctMentions", handles(MaxMentions + 1), nil, LimitMentions},
		{"MentionsAtLimit", handles(MaxMentions), known, ""},
		{"RepeatedKnownMention", fill("@alice ", maxPost), known, LimitLinks},
		{"RepeatedUnknownMention", fill("@alice ", maxPost), nil, ""},
		{"LinkifyLine", fill("www.a.io ", maxPost), nil, LimitLinks},
		{"URLLine", fill("http://a.io/ ", maxPost), nil, LimitLinks},
		{"EmailLine", fill("a@b.co ", maxPost), nil, LimitLinks},
		{"AutolinksLine", fill("<http://a.io> ", maxPost), nil, LimitLinks},
		{"OneLongURL", "https://" + strings.Repeat("a", maxPost-12) + ".io", nil, ""},
		{"Quotes", fill(`"`, maxPost), nil, ""},
		{"Ampersands", fill("&", maxPost), nil, ""},
		{"LessThans", fill("<", maxPost), nil, ""},
		{"CodeSpansOfEntities", fill("`&`", maxPost), nil, ""},
		{"Emoji", strings.Repeat("😀", maxPost), nil, ""},
		{"EmptyHeadings", fill("#\n", maxPost), nil, ""},
		{"HardBreaks", fill("\\\n", maxPost), nil, ""},
		{"Backticks", fill("` ``", maxPost), nil, ""},
		{"UnclosedAutolinks", fill("<http://", maxPost), nil, ""},
		{"Post500", post500, known, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			out, err := r.Render(postField, tt.src, tt.known)
			took := time.Since(start)
			t.Logf("%-26s %6d bytes in, %7d bytes out, %8.2f ms, %s", tt.name, len(tt.src), len(out), took.Seconds()*1000, limitOf(err))
			if took > hangGuard {
				t.Errorf("took %v, want well under a second", took)
			}
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Render: %v, want it rendered", err)
				}
				if len(out) > MaxHTMLBytes {
					t.Errorf("rendered %d bytes, over the bound of %d", len(out), MaxHTMLBytes)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("Render = %d bytes, %v; want a *LimitError for %s", len(out), err, tt.want)
			}
			if le.Limit != tt.want || le.Field != postField || out != "" {
				t.Errorf("Render: %+v, %d bytes; want limit %s in field %+v, no output", le, len(out), tt.want, postField)
			}
			if !strings.HasPrefix(le.Message, "The post ") || !strings.Contains(le.Message, count(le.Max)) && tt.want != LimitUnclosedLinks {
				t.Errorf("message %q: want it to name the post and say the limit, %s", le.Message, count(le.Max))
			}
		})
	}
}

// limitOf describes err for the log.
func limitOf(err error) string {
	var le *LimitError
	if errors.As(err, &le) {
		return "refused (" + string(le.Limit) + ")"
	}
	if err != nil {
		return err.Error()
	}
	return "rendered"
}

// The HTML bound stops the renderer itself: no text within the input limit
// we know of reaches it (the limits above come first), so these go past it.
func TestRenderHTMLBound(t *testing.T) {
	r := New()
	for _, tt := range []struct{ name, src string }{
		{"Ampersands", fill("&", 200_000)},
		{"Headings", fill("#\n", 100_000)},
		{"Emoji", strings.Repeat("😀", 200_000)},
		{"Code", "```\n" + fill("<", 100_000) + "\n```"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			out, err := r.Render(postField, tt.src, nil)
			took := time.Since(start)
			t.Logf("%-10s %7d bytes in, %8.2f ms, %s", tt.name, len(tt.src), took.Seconds()*1000, limitOf(err))
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != LimitHTMLBytes || out != "" {
				t.Fatalf("Render = %d bytes, %v; want refused for %s", len(out), err, LimitHTMLBytes)
			}
			if want := "The post would be more than 160 KB once formatted"; !strings.HasPrefix(le.Message, want) {
				t.Errorf("message %q, want it to start %q", le.Message, want)
			}
			if took > hangGuard {
				t.Errorf("took %v", took)
			}
		})
	}
}

func TestLimitErrorNamesField(t *testing.T) {
	r := New()
	desc := Field{Name: "description", Label: "Description"}
	_, err := r.Render(desc, table(MaxTableColumns+1, 1, "x"), nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Field != desc {
		t.Fatalf("Render = %v, want a *LimitError for %+v", err, desc)
	}
	if want := "The description has a table with more than 50 columns."; le.Message != want {
		t.Errorf("message %q, want %q", le.Message, want)
	}
	if !strings.Contains(err.Error(), "description") {
		t.Errorf("Error() = %q, want the field's name in it", err)
	}
}

// A refused parse leaves the renderer as it was.
func TestRenderAfterRefusal(t *testing.T) {
	r := New()
	want, err := r.Render(postField, post500, map[string]bool{"alice": true})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{fill(">", maxPost), fill("[", maxPost), table(60, 1, "x")} {
		if _, err := r.Render(postField, src, nil); err == nil {
			t.Fatalf("Render(%.20q…) was not refused", src)
		}
		if got, err := r.Render(postField, post500, map[string]bool{"alice": true}); err != nil || got != want {
			t.Fatalf("after a refusal Render = %q, %v; want %q", got, err, want)
		}
	}
}

func TestDocRendersOnce(t *testing.T) {
	d, err := New().Parse(postField, "hi @alice")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Mentions(); len(got) != 1 || got[0] != "alice" {
		t.Errorf("Mentions = %q", got)
	}
	if _, err := d.Render(map[string]bool{"alice": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Render(nil); err == nil {
		t.Error("second Render succeeded, want an error")
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 50: "50", 999: "999", 1000: "1,000", 50000: "50,000", 1234567: "1,234,567"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

// The guards change nothing in what a text within the limits renders to:
// the same texts rendered without them come out byte for byte the same.
func TestGuardsChangeNothing(t *testing.T) {
	guarded, plain := New(), newRenderer()
	known := map[string]bool{"alice": true, "bob": true}
	srcs := []string{
		post500, paragraph500,
		"a ~~~ b", "~~~~x~~~~", "x ~~~~x~~~~ y", "~~gone~~ ~~~ ~x~", `\~~~~ a`, "x~~~y @alice", "~~a~~~ b~~", "a ~~~\n~~~ b",
		"~~~\ncode\n~~~", "a~~b~~c", "~~~~~", "| a ~~~ |\n|---|\n| ~~~ |",
		table(MaxTableColumns, 3, "x"), table(3, 3, "`a\\|b`"), "| a | b |\n|---|---|\nno pipes\n| 1 |", "|a|b|\n|-|-|-|",
		"a\n|-|\nb", "|a|\n|:-:|\n> q", "x | y\n--|--\n1 | 2",
		strings.Repeat(">", MaxNesting) + " deep", nestedLists(MaxNesting), strings.Repeat("- ", MaxNesting) + "x",
		"1. a\n   1. b\n      1) c", "- [ ] todo\n- [x] done\n  - [ ] sub", "* a\n+ b\n- c\n\n***\n- - -",
		"10) ten\n123456789. big\n1234567890. too big", ">- a\n>> b\n> > - c",
		"[a](b) [c](<d e>) [f](g(h)i) [j](k \"t\") ![i](http://x/i.png) [r] [r][] [x][r]\n\n[r]: /ref \"T\"",
		"[a](b (c) [d](e)", "[a](\\)) [b](c\\(d)", "]( ](x) [y](", "@alice @bob @carol www.example.org a@b.org",
		"*a* _b_ **c** __d__ ***e*** a_b_c *a **b** c*",
	}
	for _, c := range []string{"*", "_", "~", "[", "]", "(", ")", "!", "|", ">", "-", "`", "<", "\\", "&", "@"} {
		srcs = append(srcs, strings.Repeat(c, 5), "a"+strings.Repeat(c, 3)+"b "+c+"x"+c, "x "+c+c+"y"+c+c+" "+c)
	}
	for _, src := range srcs {
		want, err := plain.Render(postField, src, known)
		if err != nil {
			t.Fatalf("unguarded Render(%q): %v", src, err)
		}
		if got, err := guarded.Render(postField, src, known); err != nil || got != want {
			t.Errorf("Render(%q) = %q, %v\nwithout the guards %q", src, got, err, want)
		}
	}
}
