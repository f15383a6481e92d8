package activities

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"go.temporal.io/sdk/temporal"
)

// Alert channels.
const (
	ChannelWebhook = "webhook"
	ChannelEmail   = "email"
)

// FailureNotice describes a record that failed for good. It holds ids and
// the reason, and travels sealed like every payload.
type FailureNotice struct {
	Integration string `json:"integration"`
	Flow        string `json:"flow"`
	// Record is what the operator knows the record by, e.g. "order 2026-6".
	Record string `json:"record"`
	Reason string `json:"reason"`
	// Actionable: somebody must fix data or settings (unknown SKU, bad
	// credentials); otherwise the system stayed unreachable through every retry.
	Actionable bool   `json:"actionable"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

// NotifyFailureInput sends one notice over one channel.
type NotifyFailureInput struct {
	Channel string        `json:"channel"`
	Notice  FailureNotice `json:"notice"`
}

// NotifyFailure sends the notice over the channel, if the integration has it
// configured; it reports "sent" or "not configured". A failed send is
// retried by Temporal; it never touches the failed record itself.
func (a *Activities) NotifyFailure(ctx context.Context, in NotifyFailureInput) (string, error) {
	rt, err := a.integration(in.Notice.Integration)
	if err != nil {
		return "", err
	}
	subject := fmt.Sprintf("[Koppel] %s %s: %s failed", in.Notice.Integration, in.Notice.Flow, in.Notice.Record)
	return deliver(ctx, rt, in.Channel, subject, a.alertText(in.Notice))
}

// deliver sends a text over one of the integration's alert channels and says
// "sent", or "not configured" when the integration does not have that channel.
func deliver(ctx context.Context, rt *Integration, channel, subject, text string) (string, error) {
	alerts := rt.Config.Alerts
	switch {
	case channel != ChannelWebhook && channel != ChannelEmail:
		return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf("unknown alert channel %q", channel), ErrTypeConfig, nil)
	case alerts == nil:
		return "not configured", nil
	case channel == ChannelWebhook && alerts.Webhook != "":
		return "sent", sendWebhook(ctx, rt.AlertSecrets.WebhookURL, text)
	case channel == ChannelEmail && alerts.Email != nil:
		e := alerts.Email
		return "sent", sendMail(ctx, e.SMTP, rt.AlertSecrets.SMTPUsername, rt.AlertSecrets.SMTPPass, e.From, e.To, subject, text)
	}
	return "not configured", nil
}

// alertText is the message: what failed, why, what to do, and where to look.
func (a *Activities) alertText(n FailureNotice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Koppel · %s · %s: %s failed.\nReason: %s\n", n.Integration, n.Flow, n.Record, n.Reason)
	if n.Actionable {
		b.WriteString("This needs a fix in the data or the settings; after it, replay the record (starter replay).\n")
	} else {
		b.WriteString("The system stayed unavailable through every retry; once it is back, replay the record (starter replay).\n")
	}
	if link := a.workflowLink(n.WorkflowID, n.RunID); link != "" {
		b.WriteString(link + "\n")
	}
	return b.String()
}

// workflowLink points at a workflow in the Web UI ("" without a UI address).
func (a *Activities) workflowLink(workflowID, runID string) string {
	if a.UIAddress == "" {
		return ""
	}
	ns := a.Namespace
	if ns == "" {
		ns = "default"
	}
	link := fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimRight(a.UIAddress, "/"), url.PathEscape(ns), url.PathEscape(workflowID))
	if runID != "" {
		link += "/" + url.PathEscape(runID) + "/history"
	}
	return link
}

// sendWebhook posts Slack's incoming-webhook JSON ({"text": …}); other chat
// tools accept the same.
func sendWebhook(ctx context.Context, webhookURL, text string) error {
	resp, err := resty.New().SetTimeout(30*time.Second).R().SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetBody(map[string]string{"text": text}).Post(webhookURL)
	if err != nil {
		return fmt.Errorf("alert webhook: no answer (%s)", redactURLError(err, webhookURL))
	}
	if resp.StatusCode() >= 300 {
		return fmt.Errorf("alert webhook: HTTP %d", resp.StatusCode())
	}
	return nil
}

// redactURLError keeps the webhook URL (a secret: it carries its token) out of the error.
func redactURLError(err error, secretURL string) string {
	return strings.ReplaceAll(err.Error(), secretURL, "[webhook URL]")
}

func sendMail(ctx context.Context, addr, user, pass, from string, to []string, subject, text string) error {
	host, _, _ := net.SplitHostPort(addr)
	var auth smtp.Auth
	if user != "" {
		auth = smtp.PlainAuth("", user, pass, host)
	}
	msg := "From: " + from + "\r\nTo: " + strings.Join(to, ", ") + "\r\nSubject: " + subject +
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(text, "\n", "\r\n")
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(addr, auth, from, to, []byte(msg)) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("alert e-mail via %s: %w", addr, err)
		}
		return nil
	case <-ctx.Done():
		return errors.New("alert e-mail: " + ctx.Err().Error())
	}
}
