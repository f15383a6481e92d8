package simkit

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Server runs a simulator's handler on a loopback address.
type Server struct {
	URL string
	srv *http.Server
	ln  net.Listener
}

// Start listens on addr ("127.0.0.1:0" for a free port) and serves h.
func Start(addr string, h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln,
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
