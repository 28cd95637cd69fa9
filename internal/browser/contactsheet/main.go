// Command contactsheet lays the browser test's screenshots of the main
// pages out on one small PNG: one row a page, and in each row the page at
// phone width (390 px) and at desk width (1280 px), in the light and the
// dark theme, scaled down, each labelled. It reads the files the browser
// test writes when SHAREFAIR_SCREENSHOTS is set; docs/screens/README.md
// says how to regenerate the sheet.
//
//	go run ./internal/browser/contactsheet -dir /tmp/shots -out docs/screens/contact-sheet.png
package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sharefair/sharefair/internal/browser"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// DefaultPages are the main pages, as label=name, the name being the one
// the browser journey gives CheckAccessibility.
const DefaultPages = "home=the home page,hub=the hub page (member),thread=the thread page," +
	"members=the member directory,profile=another member's profile,sign-in=the sign-in page"

// Column is one way of showing a page: a width and a theme, named as the
// screenshot files end.
type Column struct {
	Variant string // "phone" or "desk"
	Theme   string // "light" or "dark"
	Label   string
}

// Columns are the four views of each page, left to right.
var Columns = []Column{
	{"phone", "light", "phone 390px, light"},
	{"phone", "dark", "phone 390px, dark"},
	{"desk", "light", "desk 1280px, light"},
	{"desk", "dark", "desk 1280px, dark"},
}

// Page is one row: a label and the name the test gave the page.
type Page struct{ Label, Name string }

// Options size the sheet.
type Options struct {
	// Test is the test whose screenshots are used, as its file names start.
	Test string
	// PhoneScale and DeskScale shrink the phone and desk screenshots.
	PhoneScale, DeskScale float64
	// PhoneCrop and DeskCrop keep the top of each screenshot, in its own
	// pixels: the first screen a person sees. Below the content, plain
	// background is trimmed too.
	PhoneCrop, DeskCrop int
}

// DefaultOptions keep the sheet near 1,500 px wide, with the text of a desk
// page still legible, and well under 1.5 MB.
var DefaultOptions = Options{Test: "TestBrowserJourney-sqlite", PhoneScale: 0.5, DeskScale: 0.4, PhoneCrop: 844, DeskCrop: 900}

const (
	gap     = 12
	labelH  = 18
	titleH  = 26
	paperBG = 0xff
)

func main() {
	dir := flag.String("dir", "", "folder of screenshots (SHAREFAIR_SCREENSHOTS of the browser test run)")
	out := flag.String("out", "docs/screens/contact-sheet.png", "PNG to write")
	pages := flag.String("pages", DefaultPages, "rows, as label=page name, comma-separated")
	test := flag.String("test", DefaultOptions.Test, "the test whose screenshots to use, as its file names start")
	title := flag.String("title", "Sharefair: the main pages at phone and desk width, light and dark", "line at the top of the sheet")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "contactsheet: -dir is required")
		flag.Usage()
		os.Exit(2)
	}
	rows, err := ParsePages(*pages)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contactsheet:", err)
		os.Exit(2)
	}
	opts := DefaultOptions
	opts.Test = *test
	img, err := Sheet(*dir, *title, rows, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contactsheet:", err)
		os.Exit(1)
	}
	if err := WritePNG(*out, img); err != nil {
		fmt.Fprintln(os.Stderr, "contactsheet:", err)
		os.Exit(1)
	}
	st, err := os.Stat(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contactsheet:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %dx%d, %d KB\n", *out, img.Bounds().Dx(), img.Bounds().Dy(), (st.Size()+1023)/1024)
}

// ParsePages reads "label=page name,label=page name".
func ParsePages(s string) ([]Page, error) {
	var out []Page
	for _, part := range strings.Split(s, ",") {
		label, name, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || strings.TrimSpace(label) == "" || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("page %q: want label=page name", part)
		}
		out = append(out, Page{strings.TrimSpace(label), strings.TrimSpace(name)})
	}
	if len(out) == 0 {
		return nil, errors.New("no pages")
	}
	return out, nil
}

// FileName is the screenshot the browser test saves for page name in
// test, at variant and theme; it must match browser.ShotName.
func FileName(test, name string, c Column) string {
	return browser.Slug(test) + "-" + browser.Slug(name+"-"+c.Variant+"-"+c.Theme) + ".png"
}

// Sheet reads the screenshots of pages from dir and lays them out.
func Sheet(dir, title string, pages []Page, o Options) (*image.RGBA, error) {
	type tile struct {
		img   image.Image
		label string
	}
	grid := make([][]tile, len(pages))
	colW := make([]int, len(Columns))
	var missing []string
	for i, p := range pages {
		grid[i] = make([]tile, len(Columns))
		for j, c := range Columns {
			file := filepath.Join(dir, FileName(o.Test, p.Name, c))
			src, err := readPNG(file)
			if err != nil {
				missing = append(missing, file)
				continue
			}
			scale, crop := o.DeskScale, o.DeskCrop
			if c.Variant == "phone" {
				scale, crop = o.PhoneScale, o.PhoneCrop
			}
			b := src.Bounds()
			if crop > 0 && b.Dy() > crop {
				b.Max.Y = b.Min.Y + crop
			}
			b.Max.Y = trimBottom(src, b)
			w, h := int(float64(b.Dx())*scale+0.5), int(float64(b.Dy())*scale+0.5)
			dst := image.NewRGBA(image.Rect(0, 0, w, h))
			draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
			grid[i][j] = tile{dst, c.Label}
			colW[j] = max(colW[j], w)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%d screenshot(s) missing, e.g. %s (run the browser test with SHAREFAIR_SCREENSHOTS=%s; files there: %s)",
			len(missing), missing[0], dir, sample(dir, o.Test))
	}
	width := gap
	for _, w := range colW {
		width += w + gap
	}
	rowH := make([]int, len(pages))
	height := titleH + labelH + gap
	for i := range grid {
		for _, t := range grid[i] {
			rowH[i] = max(rowH[i], t.img.Bounds().Dy())
		}
		height += labelH + rowH[i] + gap
	}
	sheet := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.Gray{paperBG}), image.Point{}, draw.Src)
	text(sheet, gap, 18, title)
	x := gap
	for j, c := range Columns {
		text(sheet, x, titleH+labelH-5, c.Label)
		x += colW[j] + gap
	}
	y := titleH + labelH + gap
	for i := range grid {
		x := gap
		text(sheet, x, y+labelH-5, pages[i].Label+" ("+pages[i].Name+")")
		for j, t := range grid[i] {
			r := t.img.Bounds().Add(image.Pt(x, y+labelH))
			// A hairline frame, so that a white page stands out on the paper.
			draw.Draw(sheet, r.Inset(-1), image.NewUniform(color.Gray{0xb0}), image.Point{}, draw.Src)
			draw.Draw(sheet, r, t.img, image.Point{}, draw.Src)
			x += colW[j] + gap
		}
		y += labelH + rowH[i] + gap
	}
	return sheet, nil
}

// trimBottom returns where the part of b of src worth showing ends: above
// the rows at the bottom that are all one colour (a page's background
// below its footer), keeping a margin of 16 px of them.
func trimBottom(src image.Image, b image.Rectangle) int {
	bg := src.At(b.Min.X, b.Max.Y-1)
	same := func(y int) bool {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if src.At(x, y) != bg {
				return false
			}
		}
		return true
	}
	y := b.Max.Y
	for y > b.Min.Y+1 && same(y-1) {
		y--
	}
	return min(b.Max.Y, y+16)
}

// sample lists a few screenshot files in dir, to help when names differ.
func sample(dir, test string) string {
	m, _ := filepath.Glob(filepath.Join(dir, browser.Slug(test)+"-*-desk-light.png"))
	if len(m) == 0 {
		m, _ = filepath.Glob(filepath.Join(dir, "*.png"))
	}
	sort.Strings(m)
	if len(m) > 8 {
		m = append(m[:8], "…")
	}
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	if len(m) == 0 {
		return "none"
	}
	return strings.Join(m, ", ")
}

// text draws s in the 7x13 basic font with its baseline at y.
func text(dst draw.Image, x, y int, s string) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(color.Gray{0x20}), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func readPNG(file string) (image.Image, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// WritePNG writes img to file with the best compression.
func WritePNG(file string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
