package replica

import (
	"os"
	"path"
	"path/filepath"
	"sync"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/benbjohnson/litestream/s3"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Target kinds.
const (
	KindS3  = "s3"
	KindDir = "dir"
)

// Layout of a target, the same on S3 (under the prefix) and in a directory:
//
//	db/data.db/…   Litestream's LTX files of pb_data/data.db
//	storage/…      a copy of pb_data/storage (identity documents, letters)
//	backups/…      the age-encrypted backup archives
const (
	dbDir      = "db"
	storageDir = "storage"
	backupsDir = "backups"
)

// Target is one place the data is copied to.
type Target struct {
	Kind string
	s3   *S3
	dir  string
}

// String names the target without its secrets.
func (t Target) String() string {
	if t.Kind == KindS3 {
		host := t.s3.Endpoint
		if host == "" {
			host = "aws"
		}
		return "s3://" + t.s3.Bucket + "/" + t.s3.Path + " (" + host + ")"
	}
	return t.dir
}

// dbClient is Litestream's client for one database file (by base name).
func (t Target) dbClient(dbName string) litestream.ReplicaClient {
	if t.Kind == KindS3 {
		clearCABundle()
		c := s3.NewReplicaClient()
		c.Bucket, c.Region, c.Endpoint = t.s3.Bucket, t.s3.Region, t.s3.Endpoint
		c.Path = path.Join(t.s3.Path, dbDir, dbName)
		c.AccessKeyID, c.SecretAccessKey = t.s3.AccessKey, t.s3.SecretKey
		c.ForcePathStyle = t.s3.ForcePathStyle
		return c
	}
	return file.NewReplicaClient(filepath.Join(t.dir, dbDir, dbName))
}

// files opens the target as a PocketBase filesystem (its own S3 client, no
// second SDK) and returns the key prefix for kind ("storage" or "backups").
func (t Target) files(kind string) (*filesystem.System, string, error) {
	if t.Kind == KindS3 {
		fs, err := filesystem.NewS3(t.s3.Bucket, t.s3.Region, t.s3.Endpoint, t.s3.AccessKey, t.s3.SecretKey, t.s3.ForcePathStyle)
		return fs, path.Join(t.s3.Path, kind), err
	}
	fs, err := filesystem.NewLocal(t.dir)
	return fs, kind, err
}

// The AWS SDK inside Litestream's S3 client refuses to start when
// AWS_CA_BUNDLE is set, because Litestream brings its own HTTP client. Teduh
// reads no AWS configuration (the keys are TEDUH_REPLICA_S3_*), so the
// variable is cleared for this process; a private CA is trusted through Go's
// SSL_CERT_FILE / SSL_CERT_DIR instead, which both clients honour.
var clearCABundle = sync.OnceFunc(func() {
	if v := os.Getenv("AWS_CA_BUNDLE"); v != "" {
		if os.Getenv("SSL_CERT_FILE") == "" {
			os.Setenv("SSL_CERT_FILE", v)
		}
		os.Unsetenv("AWS_CA_BUNDLE")
	}
})
