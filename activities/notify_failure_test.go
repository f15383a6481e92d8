package activities

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
)

var notice = FailureNotice{Integration: "demo", Flow: "orders", Record: "order 2026-6", Actionable: true,
	Reason: "1 of the order's SKUs do not exist in mplus: CAD-0001", WorkflowID: "demo/order/1006", RunID: "r-1"}

func alertActs(alerts *config.Alerts, secrets config.AlertSecrets) *Activities {
	return &Activities{UIAddress: "http://127.0.0.1:8233/", Namespace: "default", Integrations: map[string]*Integration{"demo": {
		Config: config.Integration{Name: "demo", Alerts: alerts}, AlertSecrets: secrets}}}
}

func TestWebhookAlertIsSlackJSONWithTheReasonAndALink(t *testing.T) {
	var got map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		require.NoError(t, json.NewDecoder(r.Body).Decode(&got))
	}))
	defer srv.Close()
	acts := alertActs(&config.Alerts{Webhook: "ALERT_URL"}, config.AlertSecrets{WebhookURL: srv.URL + "/hooks/T000/SECRET"})

	status, err := acts.NotifyFailure(context.Background(), NotifyFailureInput{Channel: ChannelWebhook, Notice: notice})
	require.NoError(t, err)
	assert.Equal(t, "sent", status)
	text := got["text"]
	for _, want := range []string{"demo", "orders", "order 2026-6", "CAD-0001", "needs a fix",
		"http://127.0.0.1:8233/namespaces/default/workflows/demo%2Forder%2F1006/r-1/history"} {
		assert.Contains(t, text, want)
	}

	status, err = acts.NotifyFailure(context.Background(), NotifyFailureInput{Channel: ChannelEmail, Notice: notice})
	require.NoError(t, err)
	assert.Equal(t, "not configured", status)
}

func TestFailingWebhookIsAnErrorWithoutItsURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer srv.Close()
	acts := alertActs(&config.Alerts{Webhook: "ALERT_URL"}, config.AlertSecrets{WebhookURL: srv.URL + "/hooks/SECRET"})
	_, err := acts.NotifyFailure(context.Background(), NotifyFailureInput{Channel: ChannelWebhook, Notice: notice})
	require.Error(t, err, "retried by Temporal")
	assert.NotContains(t, err.Error(), "SECRET")

	srv.Close()
	_, err = acts.NotifyFailure(context.Background(), NotifyFailureInput{Channel: ChannelWebhook, Notice: notice})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "SECRET")
}

// fakeSMTP accepts one conversation and keeps the message.
type fakeSMTP struct {
	addr string
	mu   sync.Mutex
	from string
	to   []string
	data string
}

func startFakeSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	f := &fakeSMTP{addr: ln.Addr().String()}
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		say := func(s string) { _, _ = conn.Write([]byte(s + "\r\n")) }
		say("220 fake ESMTP")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 fake")
			case strings.HasPrefix(cmd, "MAIL FROM:"):
				f.mu.Lock()
				f.from = strings.TrimSpace(line[10:])
				f.mu.Unlock()
				say("250 ok")
			case strings.HasPrefix(cmd, "RCPT TO:"):
				f.mu.Lock()
				f.to = append(f.to, strings.TrimSpace(line[8:]))
				f.mu.Unlock()
				say("250 ok")
			case cmd == "DATA":
				say("354 go on")
				var b strings.Builder
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
					b.WriteString(l)
				}
				f.mu.Lock()
				f.data = b.String()
				f.mu.Unlock()
				say("250 queued")
			case cmd == "QUIT":
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	return f
}

func TestEmailAlertGoesToEveryRecipient(t *testing.T) {
	smtpSrv := startFakeSMTP(t)
	acts := alertActs(&config.Alerts{Email: &config.EmailAlerts{SMTP: smtpSrv.addr, From: "koppel@example.nl",
		To: []string{"ops@example.nl", "shop@example.nl"}}}, config.AlertSecrets{})
	status, err := acts.NotifyFailure(context.Background(), NotifyFailureInput{Channel: ChannelEmail, Notice: notice})
	require.NoError(t, err)
	assert.Equal(t, "sent", status)
	smtpSrv.mu.Lock()
	defer smtpSrv.mu.Unlock()
	assert.Equal(t, "<koppel@example.nl>", smtpSrv.from)
	assert.Equal(t, []string{"<ops@example.nl>", "<shop@example.nl>"}, smtpSrv.to)
	assert.Contains(t, smtpSrv.data, "Subject: [Koppel] demo orders: order 2026-6 failed")
	assert.Contains(t, smtpSrv.data, "CAD-0001")
}

func TestAlertsConfigListsEveryProblem(t *testing.T) {
	a := &config.Alerts{Webhook: "https://hooks.slack.com/x", Email: &config.EmailAlerts{SMTP: "mail", From: "nope", Username: "U"},
		DigestAt: "7am", TimeZone: "Mars/Base"}
	f := &config.File{Integrations: []config.Integration{{Name: "demo", Alerts: a}}}
	err := f.Validate("t.yaml")
	require.Error(t, err)
	for _, want := range []string{"alerts.webhook: must name the environment variable", "alerts.email.smtp", "alerts.email.from",
		"alerts.email.to: lists no recipient", "set username and password together",
		`alerts.digestAt: "7am" is not a time of day`, `alerts.timeZone: "Mars/Base" is not a time zone`} {
		assert.Contains(t, err.Error(), want)
	}
}
