package replica

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"filippo.io/age"
)

// EncryptedSuffix ends the name of an encrypted backup: NAME.zip.age.
const EncryptedSuffix = ".age"

// Backups are age-encrypted to the office's recipients (public keys). The
// server holds no private key: a stolen server or bucket yields no case. The
// identity (private key) is kept by the office, off the server, and is needed
// only to restore.

// Encrypt writes src encrypted to recipients into dst (created, mode 0600).
func Encrypt(dst string, src io.Reader, recipients []age.Recipient) error {
	if len(recipients) == 0 {
		return errors.New("no backup recipient configured")
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w, err := age.Encrypt(out, recipients...)
	if err == nil {
		if _, err = io.Copy(w, src); err == nil {
			err = w.Close()
		}
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// Decrypt writes the plaintext of an encrypted backup into dst (created,
// mode 0600). Without a matching identity age refuses and nothing is left.
func Decrypt(dst string, src io.Reader, identities []age.Identity) error {
	r, err := age.Decrypt(src, identities...)
	if err != nil {
		return fmt.Errorf("kunci tidak cocok atau berkas bukan cadangan terenkripsi: %w", err)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err = io.Copy(out, r); err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// ReadIdentities reads an age identity file (as `teduh backup keygen` writes).
func ReadIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("%s bukan berkas kunci age: %w", path, err)
	}
	return ids, nil
}

// NewIdentity makes an office key: the identity file's text (to keep off the
// server) and its recipient (for TEDUH_BACKUP_RECIPIENTS).
func NewIdentity() (identityFile, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Kunci cadangan Teduh. Simpan di luar server; tanpa kunci ini cadangan tidak dapat dipulihkan.\n")
	fmt.Fprintf(&b, "# public key: %s\n%s\n", id.Recipient(), id)
	return b.String(), id.Recipient().String(), nil
}

// UploadBackup copies an encrypted backup file to backups/ on every target
// and reports, per target kind, whether it arrived.
func UploadBackup(cfg Config, name, localPath string) map[string]error {
	out := map[string]error{}
	for _, t := range cfg.Targets() {
		out[t.Kind] = uploadBackup(t, name, localPath)
	}
	return out
}

func uploadBackup(t Target, name, localPath string) error {
	if t.Kind == KindDir {
		// an unmounted second disk would silently fill the first one
		if fi, err := os.Stat(t.dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("direktori replika %s tidak ada (disk kedua belum terpasang?)", t.dir)
		}
	}
	s, err := t.objects(backupsDir)
	if err != nil {
		return err
	}
	defer s.close()
	f, err := os.Open(localPath)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.put(name, f)
}

// FetchBackup copies backups/name from a target into dst.
func FetchBackup(cfg Config, kind, name, dst string) error {
	t, err := cfg.Target(kind)
	if err != nil {
		return err
	}
	s, err := t.objects(backupsDir)
	if err != nil {
		return err
	}
	defer s.close()
	rc, err := s.get(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err = io.Copy(out, rc); err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
