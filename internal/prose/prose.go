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

// vocabulary is the words of the two documents Sharefair comes from: a
// Rome meetup's notes and a talk on community organising in KM.
var vocabulary = strings.Fields(
	"about access achieve action activity advantage after aim all allows also although always " +
		"among and answers any anyone application approach are area around ask aspect aspects " +
		"assumptions attendees available avoid awards aware background bank based because become " +
		"been beer benefit better biases bigger boring bring build building but can capitalize " +
		"care centre challenge challenging changing circumstances com come coming commitment " +
		"communities community concept concepts concrete conference connect considered contents " +
		"context continued could countries course covers created creating cultural culture " +
		"cultures current currently day deal define definitely developing development differences " +
		"different differing digital directional discuss discussed discussion discussions " +
		"dispersed distributed doing effective empowered empowering enabling end essential " +
		"essentially even ever everything evolving exchange experience experts extremely face " +
		"faced facilitate fact fair find focus for formula found free from full general " +
		"geographically glass goal goals good gosh great group groups has have having here " +
		"highlighted him his hold how hub hubs human ideas identification impeded important " +
		"impossibility improve includes informal information innovate interact interest " +
		"interesting interestingly invite issue issues jobs keep kelly key keynotes kind know " +
		"knowledge last lead leader leaders leadership leading learn least let like likely local " +
		"long macro made main make management managers many matters may maybe meeting members " +
		"mentioned methodologies model moment monthly more most motivate much multi multiple " +
		"naturally need network networking networks news next nice not now obtain offers often one " +
		"ones only opportunity organizational organizations organizing others our ourselves out " +
		"overview participants particular past people perceptions perfect person personal place " +
		"play possible practice practices practitioners preferable presentations pretty problem " +
		"produced professionals progresses qualified questions quite realities reality really " +
		"regional regions relate relation relationships repercussions resources respond " +
		"responsibility role rome roughly said same scarce sensitive session sessions share " +
		"sharing should side situation small social some something sometimes speakers specialist " +
		"specifically spent spill stakeholders stories strategic strictly structure structured " +
		"struggling stuff summary sure take taking tangible task tasks team technical technology " +
		"tell than that the their them thematic themselves there these they things think this " +
		"those threatening thus time tips today too tools topic topics touched training trap trust " +
		"uncomfortable understand unfavorable upon use very virtual visiting volunteer want was " +
		"way ways web well were what when which while whilst who why will win wine with within " +
		"work working world would you your ")

// sentence strings words of the vocabulary into a sentence, so posts vary
// as much as real writing does and compress like it.
func sentence(rng *rand.Rand) string {
	n := 6 + rng.IntN(14)
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[rng.IntN(len(vocabulary))]
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	if n > 10 {
		w[n/2] += ","
	}
	return strings.Join(w, " ") + "."
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
		case 2, 3, 4, 5:
			b.WriteString(sentence(rng))
			b.WriteString(" ")
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
