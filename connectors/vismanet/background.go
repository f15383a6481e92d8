package vismanet

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Background jobs (§3.3): a write sent with erp-api-background: none is
// queued and answered 202 with a job id; GET /v1/background/{id} tells its
// state and, once finished, the status and headers the write would have
// answered, and /content its body. options.backgroundWrites sends every
// write so, for companies whose writes take longer than a call may wait.
// The wait is bounded (options.backgroundWait, and the context): a job
// still running then is KindUnavailable, and the retry finds the record by
// its key.

// HeaderBackground is the request header that queues a call as a job.
const HeaderBackground = "erp-api-background"

// BackgroundAccepted is the 202 answer of a queued call.
type BackgroundAccepted struct {
	ID            string `json:"id"`
	StateLocation string `json:"stateLocation"`
}

// BackgroundState is a job's state.
type BackgroundState struct {
	ID                 string          `json:"id"`
	Status             string          `json:"status"` // Started, Finished, Failed
	StatusCode         int             `json:"statusCode"`
	ErrorMessage       string          `json:"errorMessage"`
	HasResponseContent bool            `json:"hasResponseContent"`
	ContentLocation    string          `json:"contentLocation"`
	ResponseHeaders    json.RawMessage `json:"responseHeaders"`
}

// header reads one of the finished call's response headers; the contract
// types them as an object, of strings or of lists of strings.
func (s BackgroundState) header(name string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(s.ResponseHeaders, &m) != nil {
		return ""
	}
	for k, raw := range m {
		if !strings.EqualFold(k, name) {
			continue
		}
		var one string
		if json.Unmarshal(raw, &one) == nil {
			return one
		}
		var list []string
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			return list[0]
		}
	}
	return ""
}

// awaitJob waits for the job a 202 named and returns the answer the write
// itself would have given: its status, a Location, and its body. A failed
// write is the error of its status and body.
func (c *Client) awaitJob(ctx context.Context, r request, accepted *httpkit.Response) (*httpkit.Response, error) {
	var a BackgroundAccepted
	if err := json.Unmarshal(accepted.Body, &a); err != nil || strings.TrimSpace(a.ID) == "" {
		return nil, unavailable(r.op, accepted.Status, "the API queued the call but named no job")
	}
	deadline := time.Now().Add(c.opt.BackgroundWait)
	wait := c.cfg.BackgroundPoll
	for {
		select {
		case <-ctx.Done():
			return nil, unavailable(r.op, 0, "stopped waiting for background job %s: %v", a.ID, ctx.Err())
		case <-time.After(wait):
		}
		var s BackgroundState
		if err := c.get(ctx, OpBackgroundState, opPath(OpBackgroundState, a.ID), nil, &s); err != nil {
			return nil, err
		}
		switch strings.ToLower(s.Status) {
		case "finished":
			return c.jobAnswer(ctx, r, a.ID, s)
		case "failed":
			if s.StatusCode >= 400 {
				return c.jobAnswer(ctx, r, a.ID, s)
			}
			return nil, unavailable(r.op, 0, "background job %s failed: %s", a.ID, strings.TrimSpace(s.ErrorMessage))
		}
		if time.Now().Add(wait).After(deadline) {
			return nil, unavailable(r.op, 0, "background job %s still runs after %s (options.backgroundWait); the record is found by its key on the next attempt", a.ID, c.opt.BackgroundWait)
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// jobAnswer turns a finished job into the answer of its call.
func (c *Client) jobAnswer(ctx context.Context, r request, id string, s BackgroundState) (*httpkit.Response, error) {
	resp := &httpkit.Response{Status: s.StatusCode, Header: http.Header{}}
	if loc := s.header("Location"); loc != "" {
		resp.Header.Set("Location", loc)
	}
	if s.HasResponseContent {
		var raw json.RawMessage
		if err := c.get(ctx, OpBackgroundContent, opPath(OpBackgroundContent, id), nil, &raw); err != nil {
			return nil, err
		}
		resp.Body = raw
	}
	if s.StatusCode >= 200 && s.StatusCode < 300 {
		if r.into != nil && s.StatusCode == http.StatusOK && len(resp.Body) > 0 {
			if err := json.Unmarshal(resp.Body, r.into); err != nil {
				return nil, unavailable(r.op, s.StatusCode, "the background job's answer is not the JSON the API documents: %s", jsonProblem(err))
			}
		}
		return resp, nil
	}
	kind, code, text := readError(resp)
	if kind == "" {
		kind = connectors.KindForStatus(s.StatusCode)
	}
	if text == "" {
		text = strings.TrimSpace(s.ErrorMessage)
	}
	e := &connectors.Error{Kind: kind, System: System, Op: r.op, Status: s.StatusCode, Code: code}
	return nil, e.WithOutsideText(httpkit.Secrets(c.cfg.ClientSecret)(text+" (background job "+id+")"), r.personal...)
}
