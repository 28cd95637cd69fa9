package web

import (
	"strconv"
	"strings"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/avatar"
)

// Avatars are drawn inline, as a small <svg> in the page, not as <img>
// links to an avatar address: a thread page shows up to fifty, and on a
// slow mobile connection each image is a request of its own (with its
// round trip and headers, often more than the image), while inline they
// cost the page a few bytes each once gzip has seen the first. They are
// decorative, beside the name they stand for, so hidden from assistive
// technology: the name is read once.

// avatarSize is an avatar's size: small in lists and the header, medium
// beside posts and in the directory, large on a profile (24, 40 and 96
// CSS pixels, set by the stylesheet).
type avatarSize string

const (
	avatarSmall  avatarSize = "s"
	avatarMedium avatarSize = ""
	avatarLarge  avatarSize = "l"
)

// refFace is the avatar of a member as other pages point at them; a nil
// ref, an author hidden from the viewer, gets the neutral face.
func refFace(r *sharefair.MemberRef) avatar.Face {
	if r == nil || r.Former {
		return avatar.Neutral
	}
	return avatar.For(r.ID, r.Name, r.Handle)
}

// memberFace is a member's avatar.
func memberFace(m *sharefair.Member) avatar.Face {
	if m == nil {
		return avatar.Neutral
	}
	return avatar.For(m.ID, m.Name, m.Handle)
}

// avatarClass returns the classes of an avatar: av, its size, and its
// colour (c0… for the palette's colours; none for the neutral face).
func avatarClass(f avatar.Face, size avatarSize) string {
	var b strings.Builder
	b.Grow(12)
	b.WriteString("av")
	if size != avatarMedium {
		b.WriteString(" ")
		b.WriteString(string(size))
	}
	if f.Hidden {
		return b.String()
	}
	b.WriteString(" c")
	b.WriteString(strconv.Itoa(f.ColourIndex))
	return b.String()
}
