package replica

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/filesystem/blob"
)

// Uploaded files (identity documents, stored letters) live in pb_data/storage
// and are copied byte for byte, with PocketBase's .attrs side files, to
// storage/ on every target. They stay on the local disk too, so the form
// keeps accepting documents while the internet is down; PocketBase's own S3
// file storage would make every upload depend on the link.
//
// PocketBase never rewrites a stored file (a new upload gets a new name), so
// a file copied once is done. Files deleted locally stay on the replicas.

// objectStore is a target's storage/ or backups/ area.
type objectStore interface {
	put(rel string, r io.Reader) error
	list() (map[string]int64, error) // rel → size
	get(rel string) (io.ReadCloser, error)
	close() error
}

func (t Target) objects(kind string) (objectStore, error) {
	if t.Kind == KindDir {
		return dirStore(filepath.Join(t.dir, kind)), nil
	}
	fsys, prefix, err := t.files(kind)
	if err != nil {
		return nil, err
	}
	return &s3Store{fs: fsys, prefix: prefix}, nil
}

type dirStore string

func (d dirStore) put(rel string, r io.Reader) error {
	dst := filepath.Join(string(d), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := dst + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func (d dirStore) list() (map[string]int64, error) {
	out := map[string]int64{}
	err := filepath.WalkDir(string(d), func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return err
		}
		if e.IsDir() || strings.HasSuffix(p, ".tmp") {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(string(d), p)
		out[filepath.ToSlash(rel)] = info.Size()
		return nil
	})
	return out, err
}

func (d dirStore) get(rel string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(string(d), filepath.FromSlash(rel)))
}

func (d dirStore) close() error { return nil }

type s3Store struct {
	fs     *filesystem.System
	prefix string
}

func (s *s3Store) put(rel string, r io.Reader) error {
	w, err := s.fs.NewWriter(path.Join(s.prefix, rel), &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return err
	}
	if _, err := w.ReadFrom(r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func (s *s3Store) list() (map[string]int64, error) {
	objs, err := s.fs.List(s.prefix + "/")
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(objs))
	for _, o := range objs {
		out[strings.TrimPrefix(o.Key, s.prefix+"/")] = o.Size
	}
	return out, nil
}

func (s *s3Store) get(rel string) (io.ReadCloser, error) {
	return s.fs.GetReader(path.Join(s.prefix, rel))
}

func (s *s3Store) close() error { return s.fs.Close() }

// fileMirror copies new files of pb_data/storage to every target: the
// directories named by Enqueue right away, everything at start and hourly.
type fileMirror struct {
	root    string
	logger  func(msg string, args ...any)
	targets []*fileTarget

	mu      sync.Mutex
	pending map[string]bool // directories under root; "" is all of it
	wake    chan struct{}
}

type fileTarget struct {
	Target
	store objectStore
	mu    sync.Mutex
	has   map[string]int64 // what the target is known to hold

	smu       sync.Mutex // guards the status below, never held while copying
	lastSync  time.Time
	lastErr   string
	lastErrAt time.Time
	copied    int
}

func newFileMirror(r *Replicator, root string) *fileMirror {
	m := &fileMirror{root: root, pending: map[string]bool{"": true}, wake: make(chan struct{}, 1),
		logger: func(msg string, args ...any) { r.logger.Error(msg, args...) }}
	for _, ts := range r.targets {
		m.targets = append(m.targets, &fileTarget{Target: ts.Target})
	}
	return m
}

// Enqueue asks for the files under dir (relative to pb_data/storage, e.g. a
// record's "collectionId/recordId") to be copied now.
func (m *fileMirror) Enqueue(dir string) {
	m.mu.Lock()
	m.pending[filepath.ToSlash(dir)] = true
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *fileMirror) run(ctx context.Context) {
	retry := time.NewTicker(5 * time.Second)
	defer retry.Stop()
	lastFull := time.Now()
	defer func() {
		for _, t := range m.targets {
			if t.store != nil {
				t.store.close()
			}
		}
	}()
	for {
		m.mu.Lock()
		if time.Since(lastFull) >= time.Hour {
			m.pending[""], lastFull = true, time.Now()
		}
		dirs := m.pending
		m.pending = map[string]bool{}
		m.mu.Unlock()
		failed := map[string]bool{}
		for dir := range dirs {
			if dir == "" {
				// a full pass first learns what each target holds
				for _, t := range m.targets {
					t.mu.Lock()
					t.has = nil
					t.mu.Unlock()
				}
			}
			for _, t := range m.targets {
				if err := m.copyDir(t, dir); err != nil {
					failed[dir] = true
					t.smu.Lock()
					t.lastErr, t.lastErrAt = err.Error(), time.Now()
					t.smu.Unlock()
					m.logger("file mirror failed", "replica", t.Kind, "dir", dir, "error", err)
				}
			}
		}
		if len(failed) > 0 {
			m.mu.Lock()
			for d := range failed {
				m.pending[d] = true
			}
			m.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-retry.C:
		}
	}
}

// copyDir copies the files under dir that the target does not hold yet.
func (m *fileMirror) copyDir(t *fileTarget, dir string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.store == nil {
		s, err := t.objects(storageDir)
		if err != nil {
			return err
		}
		t.store = s
	}
	if t.has == nil {
		has, err := t.store.list()
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		t.has = has
	}
	start := filepath.Join(m.root, filepath.FromSlash(dir))
	err := filepath.WalkDir(start, func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing stored yet, or removed meanwhile
		} else if err != nil {
			return err
		}
		if e.IsDir() {
			if strings.HasPrefix(e.Name(), "thumbs_") {
				return filepath.SkipDir // thumbnails are made again on demand
			}
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(m.root, p)
		rel = filepath.ToSlash(rel)
		if size, ok := t.has[rel]; ok && size == info.Size() {
			return nil
		}
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return err
		}
		err = t.store.put(rel, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("copy %s: %w", rel, err)
		}
		t.has[rel] = info.Size()
		t.smu.Lock()
		t.copied++
		t.smu.Unlock()
		return nil
	})
	if err == nil {
		t.smu.Lock()
		t.lastSync = time.Now()
		t.smu.Unlock()
	}
	return err
}

// restoreFiles copies a target's storage/ into dst (a fresh pb_data/storage).
func restoreFiles(t Target, dst string) (int, error) {
	s, err := t.objects(storageDir)
	if err != nil {
		return 0, err
	}
	defer s.close()
	all, err := s.list()
	if err != nil {
		return 0, err
	}
	n := 0
	for rel := range all {
		if strings.Contains(rel, "..") {
			continue // never write outside the data directory
		}
		rc, err := s.get(rel)
		if err != nil {
			return n, err
		}
		err = dirStore(dst).put(rel, rc)
		rc.Close()
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
