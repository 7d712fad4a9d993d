package definitions

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// The services an office adds without rebuilding Teduh: three files per
// service in <data dir>/definitions/, named after the service's id:
//
//	<id>.form.json      the form (what is asked)
//	<id>.workflow.json  the steps, outcomes, clocks (what happens)
//	<id>.service.json   the public standard and how the office runs it
//
// Other .json files there are a mistake (reported); other files (a README)
// are ignored. An id may not repeat an embedded service's.

// DirName is the directory under the data directory read at start-up.
const DirName = "definitions"

var kinds = []string{"form", "workflow", "service"}

// LoadDir reads and checks every service defined in dir. A missing dir has
// no services. The error of a broken definition names its file, where in
// it, and the mistake.
func LoadDir(dir string) ([]*Set, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("definisi: direktori %s tidak dapat dibaca: %w", dir, err)
	}
	groups := map[string]map[string]string{} // id → kind → path
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		id, kind, ok := splitName(name)
		if !ok {
			return nil, fmt.Errorf("definisi tidak valid: %s: nama berkas harus <id>.form.json, <id>.workflow.json atau <id>.service.json", filepath.Join(dir, name))
		}
		if groups[id] == nil {
			groups[id] = map[string]string{}
		}
		groups[id][kind] = filepath.Join(dir, name)
	}
	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []*Set
	for _, id := range ids {
		g := groups[id]
		for _, k := range kinds {
			if g[k] == "" {
				return nil, fmt.Errorf("definisi tidak valid: layanan %q di %s: berkas %s.%s.json tidak ada (setiap layanan terdiri dari %s.form.json, %s.workflow.json dan %s.service.json)", id, dir, id, k, id, id, id)
			}
		}
		if slices.Contains(embeddedIDs, id) {
			return nil, fmt.Errorf("definisi tidak valid: %s: layanan %q sudah ada di dalam Teduh; beri layanan baru id lain", g["service"], id)
		}
		data := map[string][]byte{}
		for _, k := range kinds {
			b, err := os.ReadFile(g[k])
			if err != nil {
				return nil, fmt.Errorf("definisi: %s tidak dapat dibaca: %w", g[k], err)
			}
			data[k] = b
		}
		set, err := loadSet(g["form"], data["form"], g["workflow"], data["workflow"], g["service"], data["service"], NewRegistry())
		if err != nil {
			return nil, err
		}
		if set.Form.ID != id {
			return nil, fmt.Errorf("definisi tidak valid: %s: id %q berbeda dengan nama berkasnya (%q)", g["form"], set.Form.ID, id)
		}
		if set.Service.Storage != nil {
			return nil, fmt.Errorf("definisi tidak valid: %s: storage hanya untuk layanan bawaan Teduh; koleksi layanan ini diberi nama %s_cases, %s_steps dan %s_clocks", g["service"], id, id, id)
		}
		set.Source = dir
		out = append(out, set)
	}
	return out, nil
}

func splitName(name string) (id, kind string, ok bool) {
	base := strings.TrimSuffix(name, ".json")
	i := strings.LastIndexByte(base, '.')
	if i <= 0 {
		return "", "", false
	}
	id, kind = base[:i], base[i+1:]
	return id, kind, slices.Contains(kinds, kind)
}

// Catalog is every service Teduh runs: the embedded ones, then those of
// <dataDir>/definitions in the order of their ids.
func Catalog(dataDir string) ([]*Set, error) {
	sets, err := Embedded()
	if err != nil {
		return nil, err
	}
	extra, err := LoadDir(filepath.Join(dataDir, DirName))
	if err != nil {
		return nil, err
	}
	return append(sets, extra...), nil
}
