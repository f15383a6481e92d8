package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// Outcome is what happened to one record of a catalog page.
type Outcome string

const (
	OutcomeCreated   Outcome = "created"
	OutcomeUpdated   Outcome = "updated"
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeFiltered: the flow's filter left the record out.
	OutcomeFiltered Outcome = "filtered"
	// OutcomeMissing: the record has no counterpart in the target to update
	// (stock of a SKU the target does not sell).
	OutcomeMissing Outcome = "missing"
	// OutcomeFailed: the record cannot be written as it is; Reason says why.
	OutcomeFailed Outcome = "failed"
)

// RecordResult is one record's outcome. Key is the SKU or the source's
// customer id, never a name or e-mail.
type RecordResult struct {
	Key     string  `json:"key"`
	Outcome Outcome `json:"outcome"`
	// Detail says what changed (stock: "5 → 3"); Reason why a record failed.
	Detail string `json:"detail,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// PageInput asks a catalog flow's activity to sync one page.
type PageInput struct {
	Integration string                 `json:"integration"`
	Query       connectors.ChangeQuery `json:"query"`
	// All lists every record instead of the changed ones (stock
	// reconciliation).
	All bool `json:"all,omitempty"`
}

// PageResult is what one page did: where the listing goes on, the counts and
// every record that was written, missing or failed (unchanged and filtered
// ones are only counted, so the result stays small).
type PageResult struct {
	NextPageToken string          `json:"nextPageToken,omitempty"`
	Cursor        string          `json:"cursor,omitempty"`
	Counts        map[Outcome]int `json:"counts"`
	Records       []RecordResult  `json:"records,omitempty"`
}

func (r *PageResult) add(rec RecordResult) {
	if r.Counts == nil {
		r.Counts = map[Outcome]int{}
	}
	r.Counts[rec.Outcome]++
	if rec.Outcome != OutcomeUnchanged && rec.Outcome != OutcomeFiltered {
		r.Records = append(r.Records, rec)
	}
}

// pageProgress is the heartbeat of a page: the source keys of the records
// done and the results so far, so a retried attempt does not write them
// again. Keys, not positions: the source may list the page in another order
// when it is read again.
type pageProgress struct {
	Done   []string   `json:"done"`
	Result PageResult `json:"result"`
}

// eachRecord runs one record at a time (keys[i] is record i's key in the
// source), heartbeating after each, and skips the records a previous attempt
// finished. A record whose error no retry can fix is reported as failed and
// the page goes on; an error a retry may fix (an outage, a 429) ends the
// attempt so Temporal retries it; an error that concerns every record
// (credentials, settings) fails the page.
func eachRecord(ctx context.Context, keys []string, res PageResult, sync func(i int) (RecordResult, error)) (PageResult, error) {
	var progress pageProgress
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &progress); err == nil {
			res.Counts, res.Records = progress.Result.Counts, progress.Result.Records
		}
	}
	done := map[string]bool{}
	for _, k := range progress.Done {
		done[k] = true
	}
	for i, key := range keys {
		if key == "" {
			key = fmt.Sprintf("#%d", i) // a record without a key fails on its own; keep them apart
		}
		if done[key] {
			continue
		}
		rec, err := sync(i)
		if err != nil {
			if !recordProblem(err) {
				return PageResult{}, toTemporal(err)
			}
			rec.Outcome, rec.Reason = OutcomeFailed, err.Error()
		}
		res.add(rec)
		done[key] = true
		progress.Done = append(progress.Done, key)
		progress.Result = res
		activity.RecordHeartbeat(ctx, progress)
	}
	if res.Counts == nil {
		res.Counts = map[Outcome]int{}
	}
	return res, nil
}

// recordProblem tells an error of one record (bad data, rejected by the
// target, missing category) from one of the whole flow.
func recordProblem(err error) bool {
	var verr *model.ValidationError
	var merr *mapping.ApplyError
	var rerr *recordError
	if errors.As(err, &verr) || errors.As(err, &merr) || errors.As(err, &rerr) {
		return true
	}
	var ce *connectors.Error
	if errors.As(err, &ce) {
		switch ce.Kind {
		case connectors.KindValidation, connectors.KindNotFound, connectors.KindConflict:
			return true
		}
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) { // an error already translated (a keeper's answer)
		switch appErr.Type() {
		case ErrTypeInvalidRecord, ErrTypeValidation, ErrTypeNotFound, ErrTypeConflict:
			return true
		}
	}
	return false
}

// recordError is a problem of one record found by the flow itself.
type recordError struct{ msg string }

func (e *recordError) Error() string { return e.msg }

func badRecord(format string, args ...any) error {
	return &recordError{msg: fmt.Sprintf(format, args...)}
}
