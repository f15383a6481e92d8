// Package capture buffers an HTTP handler's answer so that a wrapper can
// read it (a contract check) or change it (a corrupted answer) before it
// goes out. It passes http.Hijacker through, because a simulator's
// "drop the answer after the commit" fault closes the connection itself and
// must keep doing so behind a wrapper.
package capture

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
)

// Writer is an http.ResponseWriter that keeps the answer.
type Writer struct {
	w        http.ResponseWriter
	header   http.Header
	Status   int
	Body     bytes.Buffer
	hijacked bool
}

// NewWriter buffers what a handler writes to w.
func NewWriter(w http.ResponseWriter) *Writer {
	return &Writer{w: w, header: http.Header{}}
}

func (c *Writer) Header() http.Header { return c.header }

func (c *Writer) WriteHeader(status int) {
	if c.Status == 0 {
		c.Status = status
	}
}

func (c *Writer) Write(b []byte) (int, error) {
	if c.Status == 0 {
		c.Status = http.StatusOK
	}
	return c.Body.Write(b)
}

// Hijack hands the connection to the handler; nothing is sent afterwards.
func (c *Writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := c.w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("capture: the underlying ResponseWriter cannot be hijacked")
	}
	c.hijacked = true
	return hj.Hijack()
}

// Hijacked reports whether the handler took the connection (no answer went out).
func (c *Writer) Hijacked() bool { return c.hijacked }

// StatusOrOK is the status written, 200 when the handler wrote none.
func (c *Writer) StatusOrOK() int {
	if c.Status == 0 {
		return http.StatusOK
	}
	return c.Status
}

// Send writes the kept answer, with body in place of what the handler
// wrote; Content-Length is dropped, as body may differ in length.
func (c *Writer) Send(body []byte) {
	if c.hijacked {
		return
	}
	h := c.w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	h.Del("Content-Length")
	c.w.WriteHeader(c.StatusOrOK())
	_, _ = c.w.Write(body)
}
