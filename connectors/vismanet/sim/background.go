package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

// HeaderBackground is the request header that queues a call as a
// background job (§3.3): a webhook URL, "none" or "subscription[:k=v,…]".
// The simulator posts no notifications.
const HeaderBackground = "erp-api-background"

// job is one background call: the request as queued and, once run, its
// answer.
type job struct {
	ID string `json:"id"`
	// Owner is the rate key of the caller: only it may read the job.
	Owner        string            `json:"owner"`
	Method       string            `json:"method"`
	URI          string            `json:"uri"`
	Header       map[string]string `json:"header"`
	Body         []byte            `json:"body"`
	Webhook      string            `json:"webhook"`
	Status       string            `json:"status"` // Started, Finished, Failed
	StatusCode   int               `json:"statusCode"`
	Received     time.Time         `json:"received"`
	Started      time.Time         `json:"started"`
	Finished     time.Time         `json:"finished"`
	AnswerHeader map[string]string `json:"answerHeader"`
	Content      []byte            `json:"content"`
	ErrorMessage string            `json:"errorMessage"`
}

// headers a job keeps from its request and its answer.
var (
	jobRequestHeaders = []string{"Content-Type", "If-Match", "Accept"}
	jobAnswerHeaders  = []string{"Location", "ETag", "Content-Type"}
)

func validBackground(opt string) bool {
	switch {
	case opt == "none", opt == "subscription", strings.HasPrefix(opt, "subscription:"):
		return true
	}
	u, err := url.Parse(opt)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// queue accepts a call as a background job: 202 with the job's id and
// where its state is read. The job runs at once unless jobs are held.
func (s *Sim) queue(w http.ResponseWriter, r *http.Request, g grant, opt string) {
	if !validBackground(opt) {
		s.bad(w, r, HeaderBackground, "The header %s is %q; it must be a URL, none, or subscription[:name=value,…].", HeaderBackground, opt)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		s.bad(w, r, "body", "The request body cannot be read.")
		return
	}
	j := &job{Owner: rateKey(g), Method: r.Method, URI: r.URL.RequestURI(), Body: body, Webhook: opt,
		Status: "Started", Header: map[string]string{"Host": r.Host}}
	for _, h := range jobRequestHeaders {
		if v := r.Header.Get(h); v != "" {
			j.Header[h] = v
		}
	}
	s.mu.Lock()
	j.ID = s.guidLocked()
	j.Received = s.now()
	s.st.Jobs = append(s.st.Jobs, j)
	hold := s.st.HoldJobs
	s.mu.Unlock()
	if !hold {
		s.run(j.ID)
	}
	s.out.JSON(w, r, http.StatusAccepted, backgroundAcceptedDto{ID: j.ID, StateLocation: location(r, "/v1/background/"+j.ID)})
}

// run executes a queued job through the routes without the guard (it
// passed the guard when it was queued) and keeps its answer.
func (s *Sim) run(id string) {
	s.mu.Lock()
	j := s.jobLocked(id)
	if j == nil || j.Status != "Started" || !j.Finished.IsZero() {
		s.mu.Unlock()
		return
	}
	c := clone(*j)
	s.mu.Unlock()

	req, err := http.NewRequestWithContext(context.Background(), c.Method, c.URI, bytes.NewReader(c.Body))
	rec := &recorder{header: http.Header{}}
	if err == nil {
		req.Host = c.Header["Host"]
		for k, v := range c.Header {
			if k != "Host" {
				req.Header.Set(k, v)
			}
		}
		s.jobs.ServeHTTP(rec, req)
	} else {
		rec.WriteHeader(http.StatusBadRequest)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	j = s.jobLocked(id)
	if j == nil {
		return
	}
	now := s.now()
	j.Started, j.Finished = now, now
	j.StatusCode = rec.status
	j.Content = rec.body.Bytes()
	j.AnswerHeader = map[string]string{}
	for _, h := range jobAnswerHeaders {
		if v := rec.header.Get(h); v != "" {
			j.AnswerHeader[h] = v
		}
	}
	j.Status = "Finished"
	if j.StatusCode >= 400 {
		j.Status = "Failed"
		var e struct {
			ExceptionMessage, Message string
		}
		_ = json.Unmarshal(j.Content, &e)
		j.ErrorMessage = firstNonEmpty(e.ExceptionMessage, e.Message, http.StatusText(j.StatusCode))
	}
}

func (s *Sim) jobLocked(id string) *job {
	for _, j := range s.st.Jobs {
		if eqFold(j.ID, id) {
			return j
		}
	}
	return nil
}

// HoldBackgroundJobs keeps jobs queued from now on (their state stays
// Started) while hold is true; setting it false runs every queued job.
func (s *Sim) HoldBackgroundJobs(hold bool) {
	s.mu.Lock()
	s.st.HoldJobs = hold
	var pending []string
	if !hold {
		for _, j := range s.st.Jobs {
			if j.Finished.IsZero() {
				pending = append(pending, j.ID)
			}
		}
	}
	s.mu.Unlock()
	for _, id := range pending {
		s.run(id)
	}
}

// jobFor finds the caller's job; 404 when there is none, 403 when it is
// another client's.
func (s *Sim) jobFor(w http.ResponseWriter, r *http.Request, p simkit.Params) (job, bool) {
	g, _, _ := s.bearer(r)
	s.mu.Lock()
	j := s.jobLocked(p.Get("requestId"))
	var c job
	if j != nil {
		c = clone(*j)
	}
	s.mu.Unlock()
	switch {
	case j == nil:
		s.message(w, r, http.StatusNotFound, "The background operation "+p.Get("requestId")+" was not found.")
		return c, false
	case c.Owner != rateKey(g):
		s.message(w, r, http.StatusForbidden, "The background operation "+c.ID+" belongs to another client.")
		return c, false
	}
	return c, true
}

func (s *Sim) jobState(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	j, ok := s.jobFor(w, r, p)
	if !ok {
		return
	}
	d := backgroundStateDto{ID: j.ID, Status: j.Status, StatusCode: j.StatusCode, ReceivedUtc: At(j.Received),
		StartedUtc: At(j.Started), FinishedUtc: At(j.Finished), WebhookAddress: j.Webhook, ErrorMessage: j.ErrorMessage,
		OriginalURI: location(r, j.URI), HasResponseContent: len(j.Content) > 0, HasRequestContent: len(j.Body) > 0,
		ResponseHeaders: j.AnswerHeader}
	if d.ResponseHeaders == nil {
		d.ResponseHeaders = map[string]string{}
	}
	if d.HasResponseContent {
		d.ContentLocation = location(r, "/v1/background/"+j.ID+"/content")
	}
	s.out.JSON(w, r, http.StatusOK, d)
}

func (s *Sim) jobContent(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	j, ok := s.jobFor(w, r, p)
	if !ok {
		return
	}
	if j.Finished.IsZero() || len(j.Content) == 0 {
		s.message(w, r, http.StatusNotFound, "The background operation "+j.ID+" has no response content.")
		return
	}
	w.Header().Set("Content-Type", firstNonEmpty(j.AnswerHeader["Content-Type"], "application/json; charset=utf-8"))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(j.Content)
}

// recorder keeps the answer of a job's call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
