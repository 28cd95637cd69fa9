package store_test

import (
	"context"
	"testing"

	"github.com/sharefair/sharefair/internal/testutil"
	"github.com/sharefair/sharefair/store"
)

// TestRemoteImagesMigration: posts and hub descriptions rendered while
// images from other servers were kept as <img> are rendered again when the
// store opens after migration 00011, so that no page loads them; what held
// no image is left as it was stored, and the threads' pages are renewed.
func TestRemoteImagesMigration(t *testing.T) {
	for _, e := range testutil.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			u, conn := migratedTo(t, e, 10)
			const at = "'2026-11-01 09:00:00+00:00'"
			for _, q := range []string{
				`INSERT INTO members (id, email, handle, name, role, password_hash, created_at, updated_at)
					VALUES (1, 'admin@example.org', 'admin', 'Admin', 'admin', 'x', ` + at + `, ` + at + `)`,
				`INSERT INTO hubs (id, slug, name, description, description_html, created_at) VALUES
					(1, 'rome', 'Rome', '![venue](https://example.org/v.png)', '<p><img src="https://example.org/v.png" alt="venue" loading="lazy"></p>', ` + at + `),
					(2, 'oslo', 'Oslo', 'plain', '<p>stored as it was</p>', ` + at + `)`,
				`INSERT INTO threads (id, title, audience, author_id, created_at, last_activity_at, post_count)
					VALUES (1, 'Charts', 'network', 1, ` + at + `, ` + at + `, 3), (2, 'Other', 'network', 1, ` + at + `, ` + at + `, 1)`,
				`INSERT INTO posts (id, thread_id, author_id, source, html, created_at) VALUES
					(1, 1, 1, 'See ![chart](https://example.org/c.png), @admin', '<p>See <img src="https://example.org/c.png" alt="chart" loading="lazy">, <a href="/members/admin" class="mention" rel="nofollow noopener ugc">@admin</a></p>', ` + at + `),
					(2, 1, 1, 'no image', '<p>stored as it was</p>', ` + at + `),
					(3, 1, 1, '![logo](/static/logo.png)', '<p>logo</p>', ` + at + `),
					(4, 2, 1, 'elsewhere', '<p>elsewhere</p>', ` + at + `)`,
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
			want := map[string]string{
				"SELECT html FROM posts WHERE id = 1": `<p>See <a href="https://example.org/c.png" class="remote-image" rel="nofollow noopener ugc">Image: chart</a>, ` +
					`<a href="/members/admin" class="mention" rel="nofollow noopener ugc">@admin</a></p>` + "\n",
				"SELECT html FROM posts WHERE id = 2":                    "<p>stored as it was</p>",
				"SELECT html FROM posts WHERE id = 3":                    "<p>logo</p>",
				"SELECT description_html FROM hubs WHERE id = 1":         `<p><a href="https://example.org/v.png" class="remote-image" rel="nofollow noopener ugc">Image: venue</a></p>` + "\n",
				"SELECT description_html FROM hubs WHERE id = 2":         "<p>stored as it was</p>",
				"SELECT CAST(version AS TEXT) FROM threads WHERE id = 1": "1",
				"SELECT CAST(version AS TEXT) FROM threads WHERE id = 2": "0",
			}
			for q, w := range want {
				var got string
				if err := db.QueryRow(ctx, q).Scan(&got); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if got != w {
					t.Errorf("%s = %q, want %q", q, got, w)
				}
			}
			// Nothing is left to render, so the next start renders nothing.
			var left int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM posts WHERE html = '' OR html LIKE '%<img src="http%'`).Scan(&left); err != nil || left != 0 {
				t.Errorf("posts left unrendered or with remote images: %d, %v", left, err)
			}
		})
	}
}
