package app_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// BenchmarkFanOut measures telling one reply to 2,000 members who follow
// its thread, in the app and by email: the notify job, then a mail job a
// member, each message written and handed to an SMTP server on loopback.
// It reports the jobs run per second and the time until the last message
// was handed over. Run it with
//
//	go test ./app -run '^$' -bench FanOut -benchtime 1x
//
// (SHAREFAIR_TEST_DATABASE_URL set, PostgreSQL too).
func BenchmarkFanOut(b *testing.B) {
	const followers = 2000
	for _, e := range testutil.Engines {
		b.Run(string(e), func(b *testing.B) {
			if e == testutil.Postgres && os.Getenv(testutil.PostgresEnv) == "" {
				testutil.SkipOrFail(b, "the fan-out on PostgreSQL needs "+testutil.PostgresEnv)
			}
			for range b.N {
				b.StopTimer()
				s, relay := mailServer(b, e, nil)
				ann := testutil.MustCreateMember(b, s.DB, "ann", sharefair.RoleMember)
				th := testutil.MustCreateThread(b, s.DB, ann, nil, "Our network's annual gathering", "Who is coming?")
				for i := range followers {
					m := testutil.MustCreateMember(b, s.DB, "f"+strconv.Itoa(i), sharefair.RoleMember)
					if _, err := s.DB.FollowThread(testutil.As(m), th.ID, sharefair.FollowFollowing); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.DB.WritePost(testutil.As(ann), th.ID, sharefair.NewPost{Body: "The programme is out."}); err != nil {
					b.Fatal(err)
				}
				s.Clock.Advance(store.MailDelay + time.Second)
				b.StartTimer()
				start := time.Now()
				ran, err := s.App.Jobs.RunDue(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				b.StopTimer()
				if n := len(relay.Messages()); n != followers {
					b.Fatalf("%d messages, want %d", n, followers)
				}
				b.ReportMetric(float64(ran)/took.Seconds(), "jobs/s")
				b.ReportMetric(took.Seconds(), "s-to-last-message")
			}
		})
	}
}
