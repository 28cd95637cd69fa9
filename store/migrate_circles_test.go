package store_test

import (
	"context"
	"testing"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestMigrateCircles checks that migration 14, which on SQLite rebuilds
// the threads table to widen its audience, keeps every thread, its posts
// and pseudonyms, and leaves foreign keys enforced.
func TestMigrateCircles(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			u, conn := migratedTo(t, e, 13)
			for _, q := range []string{
				`INSERT INTO members (id, email, handle, name, password_hash, created_at, updated_at)
					VALUES (1, 'a@example.org', 'ann', 'Ann', 'x', '2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00')`,
				`INSERT INTO hubs (id, slug, name, description, created_at) VALUES (1, 'rome', 'Rome', '', '2026-11-01 09:00:00+00:00')`,
				`INSERT INTO hub_members (hub_id, member_id, role, joined_at) VALUES (1, 1, 'member', '2026-11-01 09:00:00+00:00')`,
				`INSERT INTO threads (id, title, audience, hub_id, author_id, created_at, last_activity_at, post_count, version, chatham_house, pseudonyms)
					VALUES (7, 'Kept', 'hub', 1, 1, '2026-11-01 09:00:00+00:00', '2026-11-01 09:00:00+00:00', 1, 3, true, 1)`,
				`INSERT INTO posts (id, thread_id, author_id, attribution, source, html, created_at)
					VALUES (9, 7, 1, 'chatham', 'Words', '<p>Words</p>', '2026-11-01 09:00:00+00:00')`,
				`INSERT INTO thread_pseudonyms (thread_id, member_id, number) VALUES (7, 1, 1)`,
			} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db, err := store.Open(ctx, store.Options{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ann := &sharefair.Member{ID: 1, Handle: "ann", Role: sharefair.RoleMember}
			th, err := db.FindThreadByID(testutil.As(ann), 7)
			if err != nil {
				t.Fatal(err)
			}
			if th.Title != "Kept" || th.Audience.Kind != sharefair.AudienceHub || th.Audience.Hub == nil || !th.ChathamHouse || th.PostCount != 1 {
				t.Fatalf("thread after migrating: %+v", th)
			}
			posts, _, err := db.FindPosts(testutil.As(ann), 7, sharefair.Page{})
			if err != nil || len(posts) != 1 || posts[0].Pseudonym != 1 {
				t.Fatalf("posts after migrating: %v %v", posts, err)
			}
			if err := db.Exec(ctx, `INSERT INTO posts (thread_id, author_id, source, html, created_at)
				VALUES (99, 1, 'x', 'x', '2026-11-01 09:00:00+00:00')`); err == nil {
				t.Fatal("a post for no thread was accepted: foreign keys are off")
			}
			if err := db.Exec(ctx, `UPDATE threads SET audience = 'circle' WHERE id = 7`); err == nil {
				t.Fatal("a circle audience without a circle was accepted")
			}
		})
	}
}
