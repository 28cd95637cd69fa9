# Shortcuts for developers; CI runs .ci/run itself.
.PHONY: test ci axe browser

# The README's test command.
test:
	go test ./...

# Everything CI does: installs Chromium and axe-core if missing, starts
# PostgreSQL, runs every test on both engines and fails on any skip.
ci:
	CI=true bash .ci/run

# axe-core where the browser tests look for it (version kept in internal/browser/axe.go).
axe:
	npm install --prefix .ci/cache/axe --no-save --no-audit --no-fund \
		axe-core@$$(sed -n 's/^const AxeVersion = "\(.*\)"$$/\1/p' internal/browser/axe.go)

# The browser tests alone (needs Chromium and `make axe`).
browser:
	go test -count=1 -run 'TestBrowser|TestHarness' ./web ./internal/browser
