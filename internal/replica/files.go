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
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

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
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a failed copy; a no-op after the rename
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
	if err := os.Chmod(tmp, 0o644); err != nil {
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
// Each target has its own worker (a slow link never holds the second disk
// back) copying up to mirrorParallel files at once.
type fileMirror struct {
	root    string
	logger  func(msg string, args ...any)
	targets []*fileTarget
}

const mirrorParallel = 8

type fileTarget struct {
	Target
	store objectStore

	mu      sync.Mutex
	has     map[string]int64 // what the target is known to hold
	pending map[string]bool  // directories under root; "" is all of it
	wake    chan struct{}

	smu       sync.Mutex // guards the status below
	lastSync  time.Time
	lastErr   string
	lastErrAt time.Time
	copied    int
}

func newFileMirror(r *Replicator, root string) *fileMirror {
	m := &fileMirror{root: root, logger: func(msg string, args ...any) { r.plain.Error(msg, args...) }}
	for _, ts := range r.targets {
		m.targets = append(m.targets, &fileTarget{Target: ts.Target, pending: map[string]bool{"": true}, wake: make(chan struct{}, 1)})
	}
	return m
}

// Enqueue asks for the files under dir (relative to pb_data/storage, e.g. a
// record's "collectionId/recordId") to be copied now.
func (m *fileMirror) Enqueue(dir string) {
	for _, t := range m.targets {
		t.mu.Lock()
		t.pending[filepath.ToSlash(dir)] = true
		t.mu.Unlock()
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

func (m *fileMirror) run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, t := range m.targets {
		wg.Add(1)
		go func() { defer wg.Done(); m.runTarget(ctx, t) }()
	}
	wg.Wait()
}

func (m *fileMirror) runTarget(ctx context.Context, t *fileTarget) {
	retry := time.NewTicker(5 * time.Second)
	defer retry.Stop()
	lastFull := time.Now()
	defer func() {
		if t.store != nil {
			t.store.close()
		}
	}()
	for {
		t.mu.Lock()
		if time.Since(lastFull) >= time.Hour {
			t.pending[""], lastFull = true, time.Now()
		}
		dirs := t.pending
		t.pending = map[string]bool{}
		if dirs[""] {
			t.has = nil // a full pass first learns what the target holds
		}
		t.mu.Unlock()
		if err := m.pass(ctx, t, dirs); err != nil {
			t.smu.Lock()
			t.lastErr, t.lastErrAt = err.Error(), time.Now()
			t.smu.Unlock()
			m.logger("file mirror failed", "replica", t.Kind, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.wake:
		case <-retry.C:
		}
	}
}

// pass copies the files under dirs that the target lacks; a directory that
// failed is tried again on the next pass.
func (m *fileMirror) pass(ctx context.Context, t *fileTarget, dirs map[string]bool) error {
	if len(dirs) == 0 {
		return nil
	}
	requeue := func() {
		t.mu.Lock()
		for d := range dirs {
			t.pending[d] = true
		}
		t.mu.Unlock()
	}
	if t.store == nil {
		s, err := t.objects(storageDir)
		if err != nil {
			requeue()
			return err
		}
		t.store = s
	}
	t.mu.Lock()
	known := t.has != nil
	t.mu.Unlock()
	if !known {
		has, err := t.store.list()
		if err != nil {
			requeue()
			return fmt.Errorf("list: %w", err)
		}
		t.mu.Lock()
		t.has = has
		t.mu.Unlock()
	}
	type job struct{ dir, rel, path string }
	jobs := make(chan job)
	var errMu sync.Mutex
	var firstErr error
	failed := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < mirrorParallel; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := m.copyFile(t, j.rel, j.path); err != nil {
					errMu.Lock()
					failed[j.dir] = true
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
				}
			}
		}()
	}
	seen := map[string]bool{} // "" and a record's directory overlap
	for dir := range dirs {
		if ctx.Err() != nil {
			failed[dir] = true
			continue
		}
		err := filepath.WalkDir(filepath.Join(m.root, filepath.FromSlash(dir)), func(p string, e fs.DirEntry, err error) error {
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
			rel, _ := filepath.Rel(m.root, p)
			if rel = filepath.ToSlash(rel); !seen[rel] {
				seen[rel] = true
				jobs <- job{dir, rel, p}
			}
			return nil
		})
		if err != nil {
			errMu.Lock()
			failed[dir] = true
			if firstErr == nil {
				firstErr = err
			}
			errMu.Unlock()
		}
	}
	close(jobs)
	wg.Wait()
	if len(failed) > 0 {
		dirs = failed
		requeue()
		return firstErr
	}
	t.smu.Lock()
	t.lastSync = time.Now()
	t.smu.Unlock()
	return nil
}

func (m *fileMirror) copyFile(t *fileTarget, rel, p string) error {
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	t.mu.Lock()
	size, ok := t.has[rel]
	t.mu.Unlock()
	if ok && size == info.Size() {
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
	t.mu.Lock()
	t.has[rel] = info.Size()
	t.mu.Unlock()
	t.smu.Lock()
	t.copied++
	t.smu.Unlock()
	return nil
}

// restoreFiles copies a target's storage/ into dst (a fresh pb_data/storage),
// mirrorParallel files at once.
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
	rels := make(chan string)
	var g errgroup.Group
	var n atomic.Int64
	for i := 0; i < mirrorParallel; i++ {
		g.Go(func() error {
			var first error
			for rel := range rels {
				if first != nil {
					continue // drain
				}
				rc, err := s.get(rel)
				if err == nil {
					err = dirStore(dst).put(rel, rc)
					rc.Close()
				}
				if err != nil {
					first = fmt.Errorf("%s: %w", rel, err)
					continue
				}
				n.Add(1)
			}
			return first
		})
	}
	for rel := range all {
		if !strings.Contains(rel, "..") { // never write outside the data directory
			rels <- rel
		}
	}
	close(rels)
	err = g.Wait()
	return int(n.Load()), err
}
