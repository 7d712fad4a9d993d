// Package s3test runs a real S3-compatible server in the test process
// (gofakes3 with its in-memory backend) on a loopback port.
package s3test

import (
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"teduh/internal/replica"
)

// Server is a running S3-compatible server.
type Server struct {
	URL     string
	Backend *s3mem.Backend
}

// Start serves an empty S3 store until the test ends; buckets are created on
// first use.
func Start(t testing.TB) *Server {
	t.Helper()
	backend := s3mem.New()
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(true))
	srv := httptest.NewServer(faker.Server()) // 127.0.0.1, a free port
	t.Cleanup(srv.Close)
	return &Server{URL: srv.URL, Backend: backend}
}

// Env is the Teduh configuration pointing at this server's bucket.
func (s *Server) Env(bucket string) map[string]string {
	return map[string]string{
		replica.EnvS3Bucket:    bucket,
		replica.EnvS3Endpoint:  s.URL,
		replica.EnvS3Region:    "us-east-1",
		replica.EnvS3AccessKey: "teduh-test",
		replica.EnvS3SecretKey: "teduh-test-secret",
		replica.EnvS3PathStyle: "true",
	}
}
