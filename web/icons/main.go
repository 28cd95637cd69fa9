// Command icons rebuilds the pages' icon sprite, web/static/icons.svg, and
// its licence, web/static/icons-LICENSE.txt, from the icon set pinned in
// web/icons/package-lock.json (Lucide, lucide-static, ISC).
//
// The sprite holds exactly the icons that web/*.templ name in icon("...")
// calls, so it stays small; TestIconSprite fails when the two disagree.
// Both files are committed: builds and tests never call npm. After adding
// or removing an icon("...") in a template, from the repository's root:
//
//	npm ci --prefix web/icons --no-audit --no-fund
//	go run ./web/icons
//
// Names are Lucide's (https://lucide.dev/icons); a name the set lacks is
// refused with the file and line of the call.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sharefair/sharefair/internal/iconsprite"
)

const pkg = "lucide-static"

func main() {
	log.SetFlags(0)
	if err := run(); err != nil {
		log.Fatal("icons: ", err)
	}
}

func run() error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	web := filepath.Join(root, "web")
	dir := filepath.Join(web, "icons", "node_modules", pkg)
	version, err := installed(dir, filepath.Join(web, "icons", "package-lock.json"))
	if err != nil {
		return err
	}
	calls, err := iconsprite.Calls(web)
	if err != nil {
		return err
	}
	for _, c := range calls {
		if c.Name == "" {
			return fmt.Errorf("%s:%d: icon() takes a string literal, so that the sprite can be built from the templates", c.File, c.Line)
		}
		if _, err := os.Stat(filepath.Join(dir, "icons", c.Name+".svg")); err != nil {
			return fmt.Errorf("%s:%d: %s %s has no icon %q", c.File, c.Line, pkg, version, c.Name)
		}
	}
	names := iconsprite.Names(calls)
	var sprite bytes.Buffer
	note := fmt.Sprintf("Icons from Lucide (%s %s), ISC licence: /static/icons-LICENSE.txt. Built by go run ./web/icons.", pkg, version)
	if err := iconsprite.Build(&sprite, names, filepath.Join(dir, "icons"), note); err != nil {
		return err
	}
	licence, err := os.ReadFile(filepath.Join(dir, "LICENSE"))
	if err != nil {
		return err
	}
	head := fmt.Sprintf("The icons in icons.svg are from Lucide, %s %s (https://lucide.dev).\n\n", pkg, version)
	if err := os.WriteFile(filepath.Join(web, "static", "icons.svg"), sprite.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(web, "static", "icons-LICENSE.txt"), append([]byte(head), licence...), 0o644); err != nil {
		return err
	}
	log.Printf("icons: %d icons, %d bytes, from %s %s", len(names), sprite.Len(), pkg, version)
	return nil
}

// installed returns the version of the icon package in node_modules,
// refusing one that is not the version package-lock.json pins.
func installed(dir, lockFile string) (string, error) {
	var got, lock struct {
		Version  string `json:"version"`
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return "", fmt.Errorf("%s is not installed: npm ci --prefix web/icons (%v)", pkg, err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		return "", err
	}
	if b, err = os.ReadFile(lockFile); err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		return "", err
	}
	pinned := lock.Packages["node_modules/"+pkg].Version
	if got.Version != pinned {
		return "", fmt.Errorf("%s %s is installed, the lock file pins %q: npm ci --prefix web/icons", pkg, got.Version, pinned)
	}
	return got.Version, nil
}

// moduleRoot walks up from the working directory to go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
