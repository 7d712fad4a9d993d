package main

import (
	"io"
	"net"
	"sync/atomic"

	"github.com/emersion/go-smtp"
)

// mailSink is an SMTP server that accepts every mail and counts it, so the
// server under measurement delivers its notification mails as it would to
// the office's real mail server.
type mailSink struct {
	srv      *smtp.Server
	port     int
	received atomic.Int64
}

type sinkSession struct{ sink *mailSink }

func (s *sinkSession) Reset()                               {}
func (s *sinkSession) Logout() error                        { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	s.sink.received.Add(1)
	return nil
}

func startMailSink() (*mailSink, error) {
	sink := &mailSink{}
	sink.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: sink}, nil }))
	sink.srv.Domain = "localhost"
	sink.srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sink.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = sink.srv.Serve(l) }()
	return sink, nil
}

func (m *mailSink) close() { _ = m.srv.Close() }
