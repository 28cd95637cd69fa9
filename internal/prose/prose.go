// Package prose writes realistic member posts for seeding benchmarks and
// page-weight tests: sentences of a knowledge-management network, with the
// Markdown members use, so sizes and compression ratios match real pages.
package prose

import (
	"math/rand/v2"
	"strings"
)

var openers = []string{
	"In our hub", "At the last meetup", "In my organisation", "When we tried this in Nairobi",
	"From what I have seen", "Honestly", "One thing that worked for us", "In a small NGO like ours",
	"Building on what was said", "In the field office", "After the Share Fair", "In our regional network",
}

var middles = []string{
	"the after-action review only worked once leadership took part",
	"people shared more in small circles than in the big plenary",
	"we moved the monthly topic vote to the first week so coordinators had time to prepare",
	"the peer assist helped us avoid repeating a costly mistake",
	"stories travelled further than the formal lessons-learned report",
	"a visiting expert from Bangkok reframed the whole challenge",
	"the mailing list archive turned out to be a treasure of good practice",
	"trust grew from one-to-one conversations before any tool was chosen",
	"we kept the harvest short: three ideas, two contacts, one next step",
	"the knowledge fair format made it easy for newcomers to contribute",
	"connecting hubs to each other mattered more than connecting them to the centre",
	"the community of practice needed a clear purpose before it needed a platform",
	"documenting the context made the practice reusable in other regions",
	"we asked each team to volunteer for one action and recruit their own helpers",
}

var closers = []string{
	"I would definitely do it again.", "What would you avoid in my context?",
	"Curious how others handle this.", "Happy to share the template.",
	"It took longer than planned, but it stuck.", "Next time I would start smaller.",
	"The key was to keep it informal.", "We should discuss it at the next meeting.",
}

// Post returns a post of roughly n characters of Markdown. mentions, if
// given, are handles that may be @mentioned.
func Post(rng *rand.Rand, n int, mentions []string) string {
	var b strings.Builder
	for b.Len() < n {
		switch rng.IntN(9) {
		case 0:
			b.WriteString("\n\n- " + middles[rng.IntN(len(middles))] + "\n- " + middles[rng.IntN(len(middles))] + "\n\n")
		case 1:
			if len(mentions) > 0 {
				b.WriteString("@" + mentions[rng.IntN(len(mentions))] + ", ")
			}
			fallthrough
		default:
			b.WriteString(openers[rng.IntN(len(openers))])
			b.WriteString(", ")
			m := middles[rng.IntN(len(middles))]
			if rng.IntN(5) == 0 {
				m = "**" + m + "**"
			}
			b.WriteString(m)
			b.WriteString(". ")
			b.WriteString(closers[rng.IntN(len(closers))])
			b.WriteString(" ")
		}
	}
	return strings.TrimSpace(b.String())
}

// Title returns a thread title.
func Title(rng *rand.Rand) string {
	t := middles[rng.IntN(len(middles))]
	return strings.ToUpper(t[:1]) + t[1:] + "?"
}
