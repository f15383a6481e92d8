package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
)

// maxDigestFailures bounds the failed records a digest lists by name.
const maxDigestFailures = 50

// DigestInput asks for the numbers of one integration over [From, To).
type DigestInput struct {
	Integration string    `json:"integration"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
}

// Digest counts what an integration's order flow did in a period.
type Digest struct {
	Integration string          `json:"integration"`
	From        time.Time       `json:"from"`
	To          time.Time       `json:"to"`
	Created     int64           `json:"created"`
	Skipped     int64           `json:"skipped"`
	Recovered   int64           `json:"recovered"`
	Failed      int64           `json:"failed"`
	Failures    []DigestFailure `json:"failures,omitempty"`
}

// DigestFailure names one failed record.
type DigestFailure struct {
	Record string `json:"record"`
	Link   string `json:"link,omitempty"`
}

// CollectDigest counts the order workflows of the integration that closed in
// the period, by outcome, from Temporal's visibility store.
func (a *Activities) CollectDigest(ctx context.Context, in DigestInput) (Digest, error) {
	if a.Temporal == nil {
		return Digest{}, configError(fmt.Errorf("the worker has no Temporal client for the digest"))
	}
	d := Digest{Integration: in.Integration, From: in.From, To: in.To}
	base := fmt.Sprintf("WorkflowType = 'OrderWorkflow' AND Integration = '%s' AND CloseTime >= '%s' AND CloseTime < '%s'",
		strings.ReplaceAll(in.Integration, "'", ""), in.From.UTC().Format(time.RFC3339), in.To.UTC().Format(time.RFC3339))
	for _, c := range []struct {
		where string
		into  *int64
	}{
		{"Outcome = 'created'", &d.Created},
		{"Outcome = 'skipped'", &d.Skipped},
		{"Outcome = 'recovered'", &d.Recovered},
		{"ExecutionStatus IN ('Failed', 'TimedOut')", &d.Failed},
	} {
		resp, err := a.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: base + " AND " + c.where})
		if err != nil {
			return Digest{}, fmt.Errorf("counting %s: %w", c.where, err)
		}
		*c.into = resp.GetCount()
	}
	if d.Failed > 0 {
		resp, err := a.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: base + " AND ExecutionStatus IN ('Failed', 'TimedOut')", PageSize: maxDigestFailures})
		if err != nil {
			return Digest{}, fmt.Errorf("listing failed orders: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			record := e.GetExecution().GetWorkflowId()
			if n := KeywordAttribute(e.GetSearchAttributes(), "OrderNumber"); n != "" {
				record = "order " + n
			}
			d.Failures = append(d.Failures, DigestFailure{Record: record,
				Link: a.workflowLink(e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId())})
		}
	}
	return d, nil
}

// SendDigestInput sends one digest over one channel.
type SendDigestInput struct {
	Channel string `json:"channel"`
	Digest  Digest `json:"digest"`
}

// SendDigest sends the digest over the channel if the integration has it.
func (a *Activities) SendDigest(ctx context.Context, in SendDigestInput) (string, error) {
	rt, err := a.integration(in.Digest.Integration)
	if err != nil {
		return "", err
	}
	d := in.Digest
	subject := fmt.Sprintf("[Koppel] %s: %d synced, %d failed", d.Integration, d.Created+d.Recovered, d.Failed)
	return deliver(ctx, rt, in.Channel, subject, DigestText(d))
}

// DigestText renders a digest for people.
func DigestText(d Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Koppel · %s · orders from %s to %s\n", d.Integration, d.From.UTC().Format(time.RFC3339), d.To.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Synced: %d (of which %d recovered after a lost answer)\nSkipped (already in the target): %d\nFailed: %d\n",
		d.Created+d.Recovered, d.Recovered, d.Skipped, d.Failed)
	for _, f := range d.Failures {
		fmt.Fprintf(&b, "  - %s %s\n", f.Record, f.Link)
	}
	if more := d.Failed - int64(len(d.Failures)); more > 0 {
		fmt.Fprintf(&b, "  … and %d more (ExecutionStatus = \"Failed\" in the Web UI)\n", more)
	}
	return b.String()
}

// KeywordAttribute reads a keyword search attribute of a listed workflow;
// "" when it is not set.
func KeywordAttribute(sa *commonpb.SearchAttributes, name string) string {
	var v string
	if p := sa.GetIndexedFields()[name]; p != nil {
		_ = converter.GetDefaultDataConverter().FromPayload(p, &v)
	}
	return v
}
