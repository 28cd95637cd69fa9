// Package iconsprite builds the one SVG sprite the pages' icons come from
// and tells which icons the templates use. The pages reference the sprite
// as an external file (<use href="/static/icons.<hash>.svg#name">), so a
// browser fetches it once and caches it like the stylesheet.
//
// The sprite holds exactly the icons the templates name in icon("...")
// calls: go run ./web/icons rebuilds it from the installed icon package,
// and a test in web fails when the two disagree either way.
package iconsprite

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Call is one icon("...") call in a template.
type Call struct {
	File string
	Line int
	Name string // "" when the argument is not a string literal
}

var (
	// anyCall finds every call of the icon component, a literal argument
	// or not, so that none escapes the check.
	anyCall = regexp.MustCompile(`(^|[^A-Za-z0-9_.])icon\(`)
	// literal is a call whose argument is a plain string literal.
	literal = regexp.MustCompile(`^icon\("([a-z0-9][a-z0-9-]*)"\)`)
)

// Calls returns the icon("...") calls in the .templ files of dir, in file
// and line order. A call whose argument is not a string literal is
// returned with an empty Name: the sprite cannot be checked against it.
func Calls(dir string) ([]Call, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.templ"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var calls []Call
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if t := strings.TrimSpace(line); strings.HasPrefix(t, "//") {
				continue // a comment may speak of icon("…") without calling it
			}
			for _, loc := range anyCall.FindAllStringIndex(line, -1) {
				at := loc[1] - len("icon(")
				if strings.HasSuffix(strings.TrimRight(line[:at], " \t"), "templ") {
					continue // the component's definition
				}
				c := Call{File: filepath.Base(f), Line: i + 1}
				if m := literal.FindStringSubmatch(line[at:]); m != nil {
					c.Name = m[1]
				}
				calls = append(calls, c)
			}
		}
	}
	return calls, nil
}

// Names returns the distinct icon names the calls use, sorted.
func Names(calls []Call) []string {
	var names []string
	for _, c := range calls {
		if c.Name != "" && !slices.Contains(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	sort.Strings(names)
	return names
}

// Symbols returns the ids of the <symbol> elements of a sprite, in order.
func Symbols(sprite []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(sprite))
	var ids []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ids, nil
		}
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "symbol" {
			id := attr(se, "id")
			if id == "" {
				return nil, fmt.Errorf("a <symbol> without an id")
			}
			ids = append(ids, id)
		}
	}
}

// Build writes a sprite of the named icons, read from iconDir (the icon
// package's folder of name.svg files). Each icon becomes a <symbol> with
// its viewBox and its drawing; the size, classes and comments of the
// original go, and the stroke is drawn in currentColor so an icon takes
// the colour of the text beside it. note is put in a comment at the top
// (the set's name, version and licence).
func Build(w io.Writer, names []string, iconDir, note string) error {
	var out bytes.Buffer
	out.WriteString(`<svg xmlns="http://www.w3.org/2000/svg">`)
	if note != "" {
		fmt.Fprintf(&out, "<!-- %s -->", strings.ReplaceAll(note, "--", "—"))
	}
	out.WriteString("\n")
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(iconDir, name+".svg"))
		if err != nil {
			return fmt.Errorf("icon %q: %w", name, err)
		}
		sym, err := symbol(name, b)
		if err != nil {
			return fmt.Errorf("icon %q: %w", name, err)
		}
		out.WriteString(sym)
		out.WriteString("\n")
	}
	out.WriteString("</svg>\n")
	_, err := w.Write(out.Bytes())
	return err
}

// presentation are the attributes of an icon's root <svg> kept on its
// <symbol>: how it is drawn, not how large or which class it has.
var presentation = []string{"viewBox", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin"}

// symbol turns one icon file into a <symbol id="name">.
func symbol(name string, src []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(src))
	var b strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if t.Name.Local != "svg" {
					return "", fmt.Errorf("the root element is <%s>, not <svg>", t.Name.Local)
				}
				if attr(t, "viewBox") == "" {
					return "", fmt.Errorf("no viewBox")
				}
				fmt.Fprintf(&b, `<symbol id="%s"`, name)
				for _, a := range presentation {
					v := attr(t, a)
					if a == "stroke" && v != "" && v != "none" {
						v = "currentColor"
					}
					if v != "" {
						fmt.Fprintf(&b, ` %s="%s"`, a, escape(v))
					}
				}
				b.WriteString(">")
			} else {
				if depth > 1 {
					// Written self-closed below: a group's children would
					// fall out of it.
					return "", fmt.Errorf("nested element <%s>", t.Name.Local)
				}
				if t.Name.Space != "" && t.Name.Space != "http://www.w3.org/2000/svg" {
					return "", fmt.Errorf("element <%s> from another namespace", t.Name.Local)
				}
				if t.Name.Local == "script" || t.Name.Local == "foreignObject" {
					return "", fmt.Errorf("element <%s> in an icon", t.Name.Local)
				}
				fmt.Fprintf(&b, "<%s", t.Name.Local)
				for _, a := range t.Attr {
					if a.Name.Local == "class" || a.Name.Space != "" || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
						continue
					}
					fmt.Fprintf(&b, ` %s="%s"`, a.Name.Local, escape(a.Value))
				}
				b.WriteString("/>")
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				b.WriteString("</symbol>")
			}
		case xml.CharData:
			if depth > 1 && strings.TrimSpace(string(t)) != "" {
				return "", fmt.Errorf("text inside an icon")
			}
		}
	}
	s := b.String()
	if strings.Count(s, "<symbol") != 1 || !strings.HasSuffix(s, "</symbol>") {
		return "", fmt.Errorf("unexpected structure")
	}
	return s, nil
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}
