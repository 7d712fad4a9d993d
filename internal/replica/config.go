// Package replica keeps a second and third copy of an office's data off the
// server's disk: the SQLite database replicated continuously by Litestream
// (embedded as a library), the uploaded files mirrored, and the encrypted
// backups uploaded, to S3-compatible storage and to a directory on another
// disk. It also brings a fresh data directory back from either copy.
//
// Nothing here knows PocketBase's collections; pb_hooks binds it to the app.
package replica

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"filippo.io/age"
)

// S3 is an S3-compatible bucket (AWS, MinIO, Wasabi, a provider's object
// storage) and the key prefix Teduh writes under.
type S3 struct {
	Endpoint       string // empty for AWS itself
	Region         string
	Bucket         string
	Path           string // key prefix, "teduh" unless set
	AccessKey      string
	SecretKey      string
	ForcePathStyle bool // MinIO and most self-hosted stores need it
}

// Config is the office's replication setting. It comes from the environment
// (FromEnv), never from the database it protects, so the secrets are not in
// the replica and a fresh machine can read it before any data exists.
type Config struct {
	Dir          string // a directory on another disk; empty: off
	S3           *S3    // nil: off
	Recipients   []age.Recipient
	RecipientIDs []string      // the recipients as written, for the health view
	SyncInterval time.Duration // how often the WAL is shipped; at most 1 s
}

// Environment variables read by FromEnv.
const (
	EnvDir            = "TEDUH_REPLICA_DIR"
	EnvS3Bucket       = "TEDUH_REPLICA_S3_BUCKET"
	EnvS3Endpoint     = "TEDUH_REPLICA_S3_ENDPOINT"
	EnvS3Region       = "TEDUH_REPLICA_S3_REGION"
	EnvS3Path         = "TEDUH_REPLICA_S3_PATH"
	EnvS3AccessKey    = "TEDUH_REPLICA_S3_ACCESS_KEY"
	EnvS3SecretKey    = "TEDUH_REPLICA_S3_SECRET_KEY"
	EnvS3PathStyle    = "TEDUH_REPLICA_S3_FORCE_PATH_STYLE"
	EnvSyncInterval   = "TEDUH_REPLICA_SYNC_INTERVAL"
	EnvBackupRecipent = "TEDUH_BACKUP_RECIPIENTS"
)

// DefaultSyncInterval ships the WAL every second: with Litestream's one
// second database monitor, a write is at most about two seconds from the
// replicas in normal operation, well inside the ten-second target.
const DefaultSyncInterval = time.Second

// FromEnv reads the configuration; getenv is os.Getenv (a map in tests).
// Errors are for the operator starting the server, in Bahasa Indonesia.
func FromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Dir: strings.TrimSpace(getenv(EnvDir)), SyncInterval: DefaultSyncInterval}
	if b := strings.TrimSpace(getenv(EnvS3Bucket)); b != "" {
		s := &S3{
			Bucket:    b,
			Endpoint:  strings.TrimSpace(getenv(EnvS3Endpoint)),
			Region:    strings.TrimSpace(getenv(EnvS3Region)),
			Path:      strings.Trim(strings.TrimSpace(getenv(EnvS3Path)), "/"),
			AccessKey: getenv(EnvS3AccessKey),
			SecretKey: getenv(EnvS3SecretKey),
		}
		switch strings.ToLower(strings.TrimSpace(getenv(EnvS3PathStyle))) {
		case "", "0", "false", "no":
		case "1", "true", "yes":
			s.ForcePathStyle = true
		default:
			return cfg, fmt.Errorf("%s harus true atau false", EnvS3PathStyle)
		}
		if s.Path == "" {
			s.Path = "teduh"
		}
		if s.Region == "" {
			s.Region = "us-east-1"
		}
		if s.AccessKey == "" || s.SecretKey == "" {
			return cfg, fmt.Errorf("%s dan %s wajib diisi bila %s diisi", EnvS3AccessKey, EnvS3SecretKey, EnvS3Bucket)
		}
		cfg.S3 = s
	}
	if v := strings.TrimSpace(getenv(EnvSyncInterval)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 50*time.Millisecond || d > time.Second {
			return cfg, fmt.Errorf("%s harus antara 50ms dan 1s, misalnya 1s", EnvSyncInterval)
		}
		cfg.SyncInterval = d
	}
	for _, id := range strings.FieldsFunc(getenv(EnvBackupRecipent), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		r, err := age.ParseX25519Recipient(id)
		if err != nil {
			return cfg, fmt.Errorf("%s: %q bukan kunci publik age (age1…): %v", EnvBackupRecipent, id, err)
		}
		cfg.Recipients = append(cfg.Recipients, r)
		cfg.RecipientIDs = append(cfg.RecipientIDs, id)
	}
	return cfg, nil
}

// Enabled reports whether any replica target is configured.
func (c Config) Enabled() bool { return c.Dir != "" || c.S3 != nil }

// Targets lists the configured targets, the directory first: the first is
// the one Litestream's store manages (compaction, snapshots, clean-up of
// local files); see Replicator for why the directory takes that place.
func (c Config) Targets() []Target {
	var out []Target
	if c.Dir != "" {
		out = append(out, Target{Kind: KindDir, dir: c.Dir})
	}
	if c.S3 != nil {
		out = append(out, Target{Kind: KindS3, s3: c.S3})
	}
	return out
}

// Target finds the target of a kind ("s3" or "dir").
func (c Config) Target(kind string) (Target, error) {
	for _, t := range c.Targets() {
		if t.Kind == kind {
			return t, nil
		}
	}
	switch kind {
	case KindS3:
		return Target{}, fmt.Errorf("replika S3 belum diatur (%s)", EnvS3Bucket)
	case KindDir:
		return Target{}, fmt.Errorf("replika direktori belum diatur (%s)", EnvDir)
	}
	return Target{}, errors.New("sumber harus s3 atau dir")
}
