package pb_hooks

// Encrypted backups: PocketBase's scheduled (and manual) backup archives are
// encrypted with age to the office's public key as soon as they are written,
// the plaintext archive deleted, and the encrypted file uploaded to the
// replica targets (backups/). The server never holds the private key.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/security"

	"teduh/internal/replica"
)

func (t *Teduh) encryptBackup(e *core.BackupEvent) error {
	// Litestream's local LTX files are a replica's working set, not data
	e.Exclude = append(e.Exclude, "."+replica.DBName+"-litestream")
	cfg := t.replication.cfg
	if len(cfg.Recipients) == 0 {
		return e.Next() // unencrypted; the health view says so
	}
	if e.App.Settings().Backups.S3.Enabled {
		// PocketBase would upload the plaintext archive before this hook can
		// encrypt it
		return errors.New("cadangan terenkripsi: matikan S3 cadangan di pengaturan PocketBase; Teduh mengunggah cadangan terenkripsi sendiri")
	}
	if err := e.Next(); err != nil {
		return err
	}
	status, err := t.encryptStoredBackup(e.App, e.Name)
	t.replication.mu.Lock()
	if err != nil {
		t.replication.backup.Err, t.replication.backup.ErrAt = err.Error(), time.Now()
	} else {
		t.replication.backup = status
	}
	t.replication.mu.Unlock()
	return err
}

// encryptStoredBackup replaces backups/name with backups/name.age and uploads
// it. The plaintext is deleted whatever happens.
func (t *Teduh) encryptStoredBackup(app core.App, name string) (backupStatus, error) {
	cfg := t.replication.cfg
	fsys, err := app.NewBackupsFilesystem()
	if err != nil {
		return backupStatus{}, err
	}
	defer fsys.Close()
	defer fsys.Delete(name)

	plain := filepath.Join(app.DataDir(), core.LocalBackupsDirName, name)
	src, err := os.Open(plain)
	if err != nil {
		return backupStatus{}, err
	}
	defer src.Close()
	tmpDir := filepath.Join(app.DataDir(), core.LocalTempDirName)
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		return backupStatus{}, err
	}
	tmp := filepath.Join(tmpDir, "teduh_backup_"+security.PseudorandomString(8)+replica.EncryptedSuffix)
	if err := replica.Encrypt(tmp, src, cfg.Recipients); err != nil {
		return backupStatus{}, fmt.Errorf("enkripsi cadangan: %w", err)
	}
	defer os.Remove(tmp)
	src.Close()
	os.Remove(plain) // at once: the plaintext is never kept beside its ciphertext

	encName := name + replica.EncryptedSuffix
	file, err := filesystem.NewFileFromPath(tmp)
	if err != nil {
		return backupStatus{}, err
	}
	file.Name, file.OriginalName = encName, encName
	if err := fsys.UploadFile(file, encName); err != nil {
		return backupStatus{}, err
	}
	st := backupStatus{Name: encName, Time: time.Now().UTC(), Size: file.Size, Uploaded: map[string]bool{}}
	var failed []string
	for kind, err := range replica.UploadBackup(cfg, encName, tmp) {
		st.Uploaded[kind] = err == nil
		if err != nil {
			failed = append(failed, kind+": "+err.Error())
		}
	}
	if len(failed) > 0 {
		st.Err, st.ErrAt = "unggah cadangan gagal ("+strings.Join(failed, "; ")+")", time.Now()
		app.Logger().Error("encrypted backup not uploaded everywhere", "name", encName, "errors", failed)
	}
	return st, nil
}

// encryptLeftoverBackups encrypts backups left in plaintext (made before the
// office set its key, or cut short by a crash).
func (t *Teduh) encryptLeftoverBackups(app core.App) {
	entries, err := os.ReadDir(filepath.Join(app.DataDir(), core.LocalBackupsDirName))
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".zip") {
			continue
		}
		if _, err := t.encryptStoredBackup(app, n); err != nil {
			app.Logger().Error("plaintext backup not encrypted", "name", n, "error", err)
		}
	}
}
