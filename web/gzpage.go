package web

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/klauspost/compress/flate"
)

// A thread page is mostly its posts, and compressing them was the largest
// single cost of serving it. The posts a page's readers share are
// compressed once, with the rendering kept in the posts cache; each
// response compresses only the rest of the page around them and stitches
// the three pieces into one gzip stream. Deflate allows it: a piece ended
// with a sync flush is byte-aligned and refers to nothing before it, so
// pieces compressed apart follow each other as one stream, the last ending
// the stream; the gzip trailer's checksum is of the whole page.

// postsMarker stands in the page for the shared posts while the rest is
// rendered. It is random, so no content can contain it.
var postsMarker = func() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "<!--posts-" + hex.EncodeToString(b) + "-->"
}()

// gzipHeader is a gzip member's header: deflate, no name, no time, unknown
// operating system.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// sharedLevel is how hard the shared posts are compressed: once for many
// readers, so harder than the rest of the page.
const sharedLevel = 9

// compressedPosts is the shared posts of a page, compressed once.
type compressedPosts struct {
	once    sync.Once
	deflate []byte // a deflate piece ended with a sync flush
}

// deflatePiece compresses b as a piece of a deflate stream: ended with a
// sync flush when more follows, or closed as the stream's end.
func deflatePiece(dst *bytes.Buffer, b []byte, level int, last bool) error {
	fw := flateWriter(dst, level)
	defer putFlateWriter(fw, level)
	if _, err := fw.Write(b); err != nil {
		return err
	}
	if last {
		return fw.Close()
	}
	return fw.Flush()
}

var flatePools sync.Map // level → *sync.Pool of *flate.Writer

func flateWriter(dst *bytes.Buffer, level int) *flate.Writer {
	p, _ := flatePools.LoadOrStore(level, &sync.Pool{})
	if fw, ok := p.(*sync.Pool).Get().(*flate.Writer); ok {
		fw.Reset(dst)
		return fw
	}
	fw, err := flate.NewWriter(dst, level)
	if err != nil {
		panic(err) // the levels are constants
	}
	return fw
}

func putFlateWriter(fw *flate.Writer, level int) {
	p, _ := flatePools.Load(level)
	p.(*sync.Pool).Put(fw)
}

// renderStitched writes page c, whose posts are the shared rendering e,
// gzipped: the posts' piece compressed once, the rest now.
func (h *Handler) renderStitched(w http.ResponseWriter, r *http.Request, c templ.Component, e *postsEntry) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	before, after, ok := bytes.Cut(buf.Bytes(), []byte(postsMarker))
	if !ok {
		return errors.New("web: the thread page lost its posts")
	}
	posts := e.compressed()
	var out bytes.Buffer
	out.Grow(len(gzipHeader) + len(before)/3 + len(posts) + len(after)/3 + 8)
	out.Write(gzipHeader)
	if err := deflatePiece(&out, before, flate.BestSpeed, false); err != nil {
		return err
	}
	out.Write(posts)
	if err := deflatePiece(&out, after, flate.BestSpeed, true); err != nil {
		return err
	}
	crc := crc32.Update(crc32.Update(crc32.ChecksumIEEE(before), crc32.IEEETable, []byte(e.html)), crc32.IEEETable, after)
	size := len(before) + len(e.html) + len(after)
	out.Write(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, crc), uint32(size)))

	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Encoding", "gzip")
	hd.Set("Content-Length", strconv.Itoa(out.Len()))
	if !strings.Contains(strings.Join(hd.Values("Vary"), ","), "Accept-Encoding") {
		hd.Add("Vary", "Accept-Encoding")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
	return nil
}
