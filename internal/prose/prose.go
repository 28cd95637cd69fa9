// Package prose writes realistic member posts for seeding benchmarks and
// page-weight tests: sentences of a knowledge-management network, with the
// Markdown members use, so sizes and compression ratios match real pages.
package prose

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"strings"
)

// MaxRatio is how well ordinary English text compresses with gzip, about
// 3:1; posts that compress better would make pages look lighter than
// members' real ones.
const MaxRatio = 3.0

// Ratio returns how many times smaller gzip (at its default level) makes
// text.
func Ratio(text string) float64 {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(text))
	_ = zw.Close()
	return float64(len(text)) / float64(b.Len())
}

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
		"work working world would you your " +
		// Everyday words, so the vocabulary is nearer a writer's.
		"able above accept account across act add address admit adult affect afford afraid again " +
		"against age agency agent agree ahead air allow almost alone along already amount animal " +
		"another anything appear apply argue arm army arrive art article artist attack attention " +
		"audience author away baby bad bag ball bar base beat beautiful bed before begin behavior " +
		"behind believe best between beyond big bill bit black blood blue board body book born both " +
		"box boy break brother budget business buy call camera campaign cancer candidate capital " +
		"car card career carry case catch cause cell center central century certain chair chance " +
		"change character charge check child choice choose church citizen city civil claim class " +
		"clear clearly close coach cold collection college color commercial common company compare " +
		"computer concern condition congress consider consumer contain control cost cover create " +
		"crime cultural cup customer cut dark data daughter dead death debate decade decide decision " +
		"deep defense degree democrat describe design despite detail determine develop die difference " +
		"difficult dinner direction director discover disease doctor dog door down draw dream drive " +
		"drop drug during each early east easy eat economic economy edge education effect effort " +
		"eight either election else employee energy enjoy enough enter entire environment especially " +
		"establish evening event everybody evidence exactly example executive exist expect explain " +
		"eye factor fail fall family far fast father fear federal feel feeling few field fight " +
		"figure fill film final finally financial fine finger finish fire firm first fish five floor " +
		"fly follow food foot force foreign forget form former forward four friend front fund " +
		"future game garden gas generation get girl give green ground grow growth guess gun guy " +
		"hair half hand hang happen happy hard head health hear heart heat heavy help herself high " +
		"history hit home hope hospital hot hotel hour house however huge hundred husband idea " +
		"image imagine impact increase indeed indicate individual industry inside instead " +
		"institution investment involve itself join just kid kill kitchen land language large late " +
		"later laugh law lawyer lay learn leave left leg legal less letter level lie life light " +
		"likely line list listen little live loss lot love low machine magazine maintain major " +
		"manage market marriage material matter mean measure media medical memory mention message " +
		"method middle might military million mind minute miss mission modern money month morning " +
		"mother mouth move movement music myself name nation natural nature near nearly necessary " +
		"never new newspaper night nothing notice number occur off office officer official oil old " +
		"once open operation option order other owner page pain painting paper parent part partner " +
		"party pass patient pattern pay peace per perform perhaps period phone physical pick picture " +
		"piece plan plant player point police policy political poor popular population position " +
		"positive power prepare present president pressure prevent price private probably process " +
		"produce product production professor program project property protect prove provide " +
		"public pull purpose push put quality question quickly race radio raise range rate rather " +
		"reach read ready real realize reason receive recent recently recognize record red reduce " +
		"reflect region relate remain remember remove report represent require research resource " +
		"rest result return reveal rich right rise risk road rock room rule run safe save scene " +
		"school science scientist score sea season seat second section security seek seem sell " +
		"send senior sense series serious serve service set seven several shake shoot short shot " +
		"show sign significant similar simple simply since sing single sister sit site six size " +
		"skill skin smile soldier son song soon sort sound source south southern space speak " +
		"special specific speech spend sport spring staff stage stand standard star start state " +
		"statement station stay step still stock stop store story strategy street strong student " +
		"study style subject success successful such suddenly suffer suggest support surface system " +
		"table talk teach teacher television ten tend term test thank theory third though thought " +
		"thousand threat three through throw together tonight total tough toward town trade " +
		"traditional treat treatment tree trial trip trouble true truth try turn type under unit " +
		"until usually value various view violence visit voice vote wait walk wall war watch water " +
		"weapon wear week weight west western whatever whether white whole whom wide wife window " +
		"wish without woman wonder word worker worry write writer wrong yard yeah year yes yet young")

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
		// Mostly sentences of their own: the stock phrases below repeat
		// word for word, and text that repeats compresses better than
		// members' writing does.
		switch rng.IntN(24) {
		case 0:
			b.WriteString("\n\n- " + middles[rng.IntN(len(middles))] + "\n- " + middles[rng.IntN(len(middles))] + "\n\n")
		case 1:
			if len(mentions) > 0 {
				b.WriteString("@" + mentions[rng.IntN(len(mentions))] + ", ")
			}
			fallthrough
		case 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22:
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
