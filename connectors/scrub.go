package connectors

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces personal data in texts that leave a connector.
const Redacted = "[redacted]"

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// ibanPattern: a country, two check digits and up to 30 letters or
	// digits, written together or in groups of four; the checksum decides.
	ibanPattern = regexp.MustCompile(`(?i)\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)
	// phoneCandidate: digits with the separators people write phone
	// numbers with, optionally after + or (.
	phoneCandidate = regexp.MustCompile(`[+(]?[0-9][0-9 \-.()/]*[0-9]`)
	// datePattern: a candidate holding a date is a date, not a phone number.
	datePattern = regexp.MustCompile(`[0-9]{4}[\-./][0-9]{1,2}[\-./][0-9]{1,2}|[0-9]{1,2}[\-./][0-9]{1,2}[\-./][0-9]{4}`)
)

// ScrubPersonal replaces the personal data in a text an outside system sent
// (an error message quoting the record it refused) with [redacted], so the
// text can go into logs, metrics and the unencrypted parts of Temporal:
//
//   - e-mail addresses;
//   - phone numbers: 7 to 15 digits written with spaces, dashes, dots,
//     slashes or parentheses, starting with +, ( or 0 (as every European
//     national or international number does), or 9 to 11 digits written
//     together starting with 0 (a Dutch mobile, 0612345678);
//   - IBANs whose checksum holds;
//   - every value given that is longer than 2 characters, in any case, where
//     it stands as a whole word: names, street lines, postal codes, cities.
//
// Ids, codes, SKUs, EANs, amounts and dates the caller did not pass are left
// alone, so the operator can still tell which record failed.
func ScrubPersonal(text string, values ...string) string {
	if text == "" {
		return text
	}
	text = emailPattern.ReplaceAllString(text, Redacted)
	text = ibanPattern.ReplaceAllStringFunc(text, func(s string) string {
		if validIBAN(s) {
			return Redacted
		}
		return s
	})
	text = replaceMatches(text, phoneCandidate, isPhoneNumber)
	return scrubValues(text, values)
}

// isPhoneNumber tells a phone number from an id, amount or date among the
// digit runs phoneCandidate finds.
func isPhoneNumber(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits < 7 || digits > 15 || datePattern.MatchString(s) {
		return false
	}
	switch {
	case s[0] == '+' || s[0] == '(':
		return true
	case s[0] != '0':
		return false // 2026-123456, 100 200 300: order numbers and amounts
	case strings.ContainsAny(s, " -.()/"):
		return true
	default:
		return digits >= 9 && digits <= 11 && !strings.HasPrefix(s, "00")
	}
}

// replaceMatches replaces the matches of re that keep and that stand apart
// from the letters and digits around them (a phone-like run inside an id
// such as KOF-0201234567 is part of the id).
func replaceMatches(text string, re *regexp.Regexp, keep func(string) bool) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(text, -1) {
		if !keep(text[m[0]:m[1]]) || !standsApart(text, m[0], m[1]) {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(Redacted)
		last = m[1]
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// standsApart reports whether text[start:end] is not glued to a letter,
// digit or joining character (-, _) on either side.
func standsApart(text string, start, end int) bool {
	joined := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' }
	if start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:start]); joined(r) {
			return false
		}
	}
	if end < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[end:]); joined(r) {
			return false
		}
	}
	return true
}

// scrubValues replaces each value longer than 2 characters, longest first
// (a full name before its first name), in any case, where it stands as a
// whole word (the name Jan is not the start of January).
func scrubValues(text string, values []string) string {
	var vs []string
	for _, v := range values {
		if v = strings.TrimSpace(v); utf8.RuneCountInString(v) > 2 {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) })
	for _, v := range vs {
		re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(v))
		text = replaceMatches(text, re, func(string) bool { return true })
	}
	return text
}

// validIBAN checks an IBAN's mod-97 checksum (ISO 13616): the first four
// characters moved to the end, letters as 10 to 35, the number mod 97 is 1.
func validIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	rem := 0
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			rem = (rem*10 + int(r-'0')) % 97
		case r >= 'A' && r <= 'Z':
			rem = (rem*100 + int(r-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// WithOutsideText sets e's Message from a text the outside system sent, with
// its personal data replaced (ScrubPersonal with personal), and keeps the
// full text in Detail when that differs. The caller removes secrets first:
// Detail is stored, encrypted, but a secret is never stored.
func (e *Error) WithOutsideText(text string, personal ...string) *Error {
	text = strings.TrimSpace(text)
	e.Message, e.Detail = ScrubPersonal(text, personal...), ""
	if e.Message != text {
		e.Detail = text
	}
	return e
}
