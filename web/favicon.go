package web

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
)

// The product's mark: two overlapping rings, people meeting, in white on
// the accent colour. web/static/favicon.svg draws it for browsers that
// take an SVG icon; the PNG and ICO files for the others (and a phone's
// home screen) are drawn here from the same geometry at start, so no
// binary image is kept in the repository and every size is sharp.
//
// Geometry, in the 32×32 units of favicon.svg: a square with corners of
// radius markCorner, and rings of radius markRing and stroke markStroke
// centred at (markLeft, 16) and (markRight, 16).
const (
	markCorner = 7
	markRing   = 7
	markStroke = 2.5
	markLeft   = 12
	markRight  = 20
)

// markBackground is the accent colour (#0b5cad), the theme colour too.
var markBackground = color.RGBA{0x0b, 0x5c, 0xad, 0xff}

// themeLight and themeDark colour the browser's own bar around the page
// (<meta name="theme-color">) in the light and the dark theme.
const (
	themeLight = "#0b5cad"
	themeDark  = "#14191f"
)

// generatedIcons returns the PNG and ICO renderings of the mark by file
// name: what the layout, the manifest and the fixed-name addresses serve.
func generatedIcons() map[string][]byte {
	ico := icoFile(markPNG(16, true), markPNG(32, true), markPNG(48, true))
	return map[string][]byte{
		"favicon.ico": ico,
		// iOS rounds the corners itself and shows transparent ones black.
		"apple-touch-icon.png": markPNG(180, false),
		"icon-192.png":         markPNG(192, true),
		"icon-512.png":         markPNG(512, true),
	}
}

// markPNG draws the mark size pixels wide, its corners rounded
// (transparent outside) or square, 4×4 samples a pixel for smooth edges.
func markPNG(size int, rounded bool) []byte {
	img := drawMark(size, rounded)
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory image does not fail
	}
	return b.Bytes()
}

func drawMark(size int, rounded bool) *image.RGBA {
	const n = 4 // samples per pixel along each axis
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	scale := 32 / float64(size)
	corner := 0.0
	if rounded {
		corner = markCorner
	}
	bg := markBackground
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var white, blue int
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					px := (float64(x) + (float64(sx)+.5)/n) * scale
					py := (float64(y) + (float64(sy)+.5)/n) * scale
					switch {
					case !insideRoundedSquare(px, py, corner):
					case onRing(px, py, markLeft), onRing(px, py, markRight):
						white++
					default:
						blue++
					}
				}
			}
			// Premultiplied, as image.RGBA keeps colours.
			mix := func(c uint8) uint8 { return uint8((white*255 + blue*int(c) + n*n/2) / (n * n)) }
			img.SetRGBA(x, y, color.RGBA{mix(bg.R), mix(bg.G), mix(bg.B), uint8(((white+blue)*255 + n*n/2) / (n * n))})
		}
	}
	return img
}

// insideRoundedSquare reports whether (x, y) lies in the 32×32 square
// with corners of radius r.
func insideRoundedSquare(x, y, r float64) bool {
	if x < 0 || y < 0 || x > 32 || y > 32 {
		return false
	}
	cx, cy := math.Max(r, math.Min(32-r, x)), math.Max(r, math.Min(32-r, y))
	return math.Hypot(x-cx, y-cy) <= r
}

// onRing reports whether (x, y) lies on the ring centred at (cx, 16).
func onRing(x, y, cx float64) bool {
	return math.Abs(math.Hypot(x-cx, y-16)-markRing) <= markStroke/2
}

// icoFile wraps PNG images in an ICO container (PNG entries, read by
// every browser that asks for /favicon.ico).
func icoFile(pngs ...[]byte) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le(uint16(0))         // reserved
	le(uint16(1))         // type: icon
	le(uint16(len(pngs))) // images
	offset := 6 + 16*len(pngs)
	for _, p := range pngs {
		cfg, err := png.DecodeConfig(bytes.NewReader(p))
		if err != nil {
			panic(err)
		}
		b.WriteByte(byte(cfg.Width)) // 0 would mean 256
		b.WriteByte(byte(cfg.Height))
		b.WriteByte(0) // no palette
		b.WriteByte(0) // reserved
		le(uint16(1))  // colour planes
		le(uint16(32)) // bits per pixel
		le(uint32(len(p)))
		le(uint32(offset))
		offset += len(p)
	}
	for _, p := range pngs {
		b.Write(p)
	}
	return b.Bytes()
}
