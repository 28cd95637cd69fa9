package main

import (
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sharefair/sharefair/internal/browser"
)

// The sheet finds the files the browser test writes.
func TestFileNameIsTheHarnessName(t *testing.T) {
	for _, name := range []string{"the hub page (member)", "another member's profile", "the sign-in page", "Ünïcode — page"} {
		for _, c := range Columns {
			want := browser.ShotName("TestBrowserJourney/sqlite", name+"-"+c.Variant+"-"+c.Theme) + ".png"
			if got := FileName("TestBrowserJourney/sqlite", name, c); got != want {
				t.Errorf("FileName(%q, %v) = %q, the harness writes %q", name, c, got, want)
			}
		}
	}
}

func TestSheet(t *testing.T) {
	dir := t.TempDir()
	pages, err := ParsePages("home=the home page, hub=the hub page (member)")
	if err != nil || len(pages) != 2 || pages[1] != (Page{"hub", "the hub page (member)"}) {
		t.Fatalf("ParsePages = %v, %v", pages, err)
	}
	if _, err := ParsePages("home"); err == nil {
		t.Errorf("ParsePages accepted a page with no name")
	}
	o := DefaultOptions
	if _, err := Sheet(dir, "t", pages, o); err == nil || !strings.Contains(err.Error(), "8 screenshot(s) missing") {
		t.Errorf("Sheet on an empty folder: %v, want 8 missing", err)
	}
	// Screenshots as tall as a long page, with content in the top 300 px:
	// each is cropped to the first screen and trimmed below its content.
	for _, p := range pages {
		for _, c := range Columns {
			w := browser.DesktopWidth
			if c.Variant == "phone" {
				w = browser.PhoneWidth
			}
			img := image.NewRGBA(image.Rect(0, 0, w, 2000))
			draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
			draw.Draw(img, image.Rect(10, 10, w-10, 300), image.NewUniform(color.RGBA{0x20, 0x40, 0x80, 0xff}), image.Point{}, draw.Src)
			if err := WritePNG(filepath.Join(dir, FileName(o.Test, p.Name, c)), img); err != nil {
				t.Fatal(err)
			}
		}
	}
	sheet, err := Sheet(dir, "t", pages, o)
	if err != nil {
		t.Fatal(err)
	}
	phone, desk := int(390*o.PhoneScale+0.5), int(1280*o.DeskScale+0.5)
	if got, want := sheet.Bounds().Dx(), 5*gap+2*phone+2*desk; got != want {
		t.Errorf("sheet is %d px wide, want %d", got, want)
	}
	rowH := int(316*o.PhoneScale + 0.5) // 300 px of content and 16 of margin
	if got, want := sheet.Bounds().Dy(), titleH+labelH+gap+2*(labelH+rowH+gap); got != want {
		t.Errorf("sheet is %d px tall, want %d (cropped and trimmed)", got, want)
	}
	out := filepath.Join(dir, "out", "sheet.png")
	if err := WritePNG(out, sheet); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("sheet not written: %v", err)
	}
}
