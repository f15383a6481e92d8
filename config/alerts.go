package config

import (
	"fmt"
	"net"
	"net/mail"
	"time"
)

// Alerts says where a record that failed for good is reported. Each channel
// is optional; secrets (the webhook URL, the SMTP password) are named by
// environment variable, like credentials.
type Alerts struct {
	// Webhook names the variable holding a Slack-compatible incoming-webhook URL.
	Webhook string       `yaml:"webhook"`
	Email   *EmailAlerts `yaml:"email"`
	// DigestAt is the time of day (HH:MM) of the daily digest; "off" sends
	// none. Default 07:00, in TimeZone (default Europe/Amsterdam).
	DigestAt string `yaml:"digestAt"`
	TimeZone string `yaml:"timeZone"`
}

// Digest returns the digest's hour and minute and time zone; ok is false when
// the digest is off.
func (a *Alerts) Digest() (hour, minute int, zone string, ok bool) {
	at, zone := a.DigestAt, a.TimeZone
	if at == "off" {
		return 0, 0, "", false
	}
	if at == "" {
		at = "07:00"
	}
	if zone == "" {
		zone = "Europe/Amsterdam"
	}
	t, err := time.Parse("15:04", at)
	if err != nil {
		return 0, 0, "", false
	}
	return t.Hour(), t.Minute(), zone, true
}

// EmailAlerts sends alerts over SMTP (STARTTLS when the server offers it).
type EmailAlerts struct {
	// SMTP is host:port of the mail server.
	SMTP string   `yaml:"smtp"`
	From string   `yaml:"from"`
	To   []string `yaml:"to"`
	// Username and Password name the variables holding the SMTP login; both or neither.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

func (a *Alerts) validate(p *Problems, path string) {
	if a.Webhook == "" && a.Email == nil {
		p.add(path, "names no channel; set webhook or email, or leave alerts out")
	}
	if a.DigestAt != "" && a.DigestAt != "off" {
		if _, err := time.Parse("15:04", a.DigestAt); err != nil {
			p.add(path+".digestAt", "%q is not a time of day like 07:00 (or off)", a.DigestAt)
		}
	}
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil {
			p.add(path+".timeZone", "%q is not a time zone like Europe/Amsterdam", a.TimeZone)
		}
	}
	if a.Webhook != "" && !validEnvName(a.Webhook) {
		p.add(path+".webhook", "must name the environment variable holding the webhook URL (like ALERT_WEBHOOK_URL), never the URL itself")
	}
	if e := a.Email; e != nil {
		if _, port, err := net.SplitHostPort(e.SMTP); err != nil || port == "" {
			p.add(path+".email.smtp", "%q is not host:port, like smtp.example.com:587", e.SMTP)
		}
		if _, err := mail.ParseAddress(e.From); err != nil {
			p.add(path+".email.from", "%q is not an e-mail address", e.From)
		}
		if len(e.To) == 0 {
			p.add(path+".email.to", "lists no recipient")
		}
		for i, to := range e.To {
			if _, err := mail.ParseAddress(to); err != nil {
				p.add(fmt.Sprintf("%s.email.to[%d]", path, i), "%q is not an e-mail address", to)
			}
		}
		if (e.Username == "") != (e.Password == "") {
			p.add(path+".email", "set username and password together, or neither")
		}
		for field, v := range map[string]string{"username": e.Username, "password": e.Password} {
			if v != "" && !validEnvName(v) {
				p.add(path+".email."+field, "must name an environment variable, never hold the value itself")
			}
		}
	}
}

// AlertSecrets are the alert channels' secrets, read from the environment.
type AlertSecrets struct {
	WebhookURL             string
	SMTPUsername, SMTPPass string
}

// Env reads the secrets the alert settings name; every missing one is reported.
func (a *Alerts) Env(path string, lookup func(string) (string, bool)) (AlertSecrets, error) {
	p := &Problems{Source: "environment"}
	var s AlertSecrets
	get := func(field, name string) string {
		if name == "" {
			return ""
		}
		v, ok := lookup(name)
		if !ok || v == "" {
			p.add(path+"."+field, "environment variable %s is not set", name)
		}
		return v
	}
	s.WebhookURL = get("webhook", a.Webhook)
	if a.Email != nil {
		s.SMTPUsername = get("email.username", a.Email.Username)
		s.SMTPPass = get("email.password", a.Email.Password)
	}
	if len(p.List) > 0 {
		return s, p
	}
	return s, nil
}
