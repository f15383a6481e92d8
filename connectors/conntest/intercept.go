package conntest

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/koppel/koppel/connectors/conntest/internal/capture"
)

// fault is what the interceptor does to the next exchange: the failures no
// simulator injects itself, because they come from a proxy or the network
// rather than from the system.
type fault int

const (
	passThrough fault = iota
	// proxy401 answers 401 with a plain body (a proxy in front of the API).
	proxy401
	// proxy429 answers 429 without a Retry-After header.
	proxy429
	// malformed replaces the body of the next successful answer with bytes
	// that are neither JSON nor XML.
	malformed
	// truncated cuts the body of the next successful answer in half (the
	// answer is complete as HTTP, its content is not).
	truncated
	// cutOff sends the headers and half the body of the next successful
	// answer, then closes the connection (the answer announced more).
	cutOff
)

// garbage is the body of a malformed answer.
const garbage = "{<conntest: neither JSON nor XML"

// interceptor is the suite's Setup.Wrap.
type interceptor struct {
	mu       sync.Mutex
	next     fault
	hit      bool
	requests int
}

func (i *interceptor) arm(f fault) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.next, i.hit = f, false
}

func (i *interceptor) state() (requests int, hit bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.requests, i.hit
}

// take returns the armed fault for a request and disarms it when it answers
// without the simulator; the body faults stay armed until a 2xx answer.
func (i *interceptor) take() fault {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.requests++
	f := i.next
	if f == proxy401 || f == proxy429 {
		i.next, i.hit = passThrough, true
	}
	return f
}

func (i *interceptor) applied() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.next, i.hit = passThrough, true
}

func (i *interceptor) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch f := i.take(); f {
		case passThrough:
			next.ServeHTTP(w, r)
		case proxy401:
			http.Error(w, "401 Unauthorized", http.StatusUnauthorized)
		case proxy429:
			http.Error(w, "429 Too Many Requests", http.StatusTooManyRequests)
		default:
			cw := capture.NewWriter(w)
			next.ServeHTTP(cw, r)
			status := cw.StatusOrOK()
			if cw.Hijacked() || status < 200 || status > 299 || cw.Body.Len() == 0 {
				cw.Send(cw.Body.Bytes()) // not the answer to spoil; wait for the next
				return
			}
			i.applied()
			body := cw.Body.Bytes()
			switch f {
			case malformed:
				cw.Send([]byte(garbage))
			case truncated:
				cw.Send(body[:len(body)/2])
			case cutOff:
				sendCutOff(w, cw, body)
			}
		}
	})
}

// sendCutOff writes the status, the headers with the full Content-Length
// and half of the body, then closes the connection.
func sendCutOff(w http.ResponseWriter, cw *capture.Writer, body []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		cw.Send(body[:len(body)/2])
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	status := cw.StatusOrOK()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for k, vs := range cw.Header() {
		if k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(buf, "Content-Length: %s\r\nConnection: close\r\n\r\n", strconv.Itoa(len(body)))
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
}
