// Package s3test runs a real S3-compatible server in the test process
// (gofakes3 with its in-memory backend) on a loopback port.
package s3test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"teduh/internal/replica"
)

// Server is a running S3-compatible server.
type Server struct {
	URL     string
	Backend *s3mem.Backend
	srv     *httptest.Server
	down    atomic.Bool
}

// New serves an empty S3 store (buckets are created on first use) until
// Close; `make bench` uses it too.
func New() *Server {
	backend := s3mem.New()
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(true))
	s := &Server{Backend: backend}
	handler := faker.Server()
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		handler.ServeHTTP(w, r)
	})) // 127.0.0.1, a free port
	s.URL = s.srv.URL
	return s
}

// SetDown makes the server answer 503 to everything (an outage) or serve again.
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Start is New for a test, closed when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := New()
	t.Cleanup(s.Close)
	return s
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
