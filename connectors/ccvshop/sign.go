package ccvshop

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"time"
)

// DateFormat is the x-date form the client sends: ISO 8601 UTC with a Z.
const DateFormat = "2006-01-02T15:04:05Z"

// MaxClockSkew is how far x-date may be from the server's clock.
const MaxClockSkew = 5 * time.Minute

// Sign computes x-hash: the lowercase hex HMAC-SHA512, keyed with the secret,
// of public|METHOD|request URI with query|body|x-date. The same function signs
// responses, with the response body in place of the request body.
func Sign(publicKey, secretKey, method, requestURI, body, date string) string {
	m := hmac.New(sha512.New, []byte(secretKey))
	m.Write([]byte(strings.Join([]string{publicKey, strings.ToUpper(method), requestURI, body, date}, "|")))
	return hex.EncodeToString(m.Sum(nil))
}

// ValidSignature compares a received x-hash with the expected one in
// constant time.
func ValidSignature(got, want string) bool {
	return hmac.Equal([]byte(strings.ToLower(got)), []byte(want))
}

// ParseDate reads an x-date in any of the ISO 8601 UTC forms clients send:
// 2022-11-26T00:45:54Z, …+00:00 or …+0000.
func ParseDate(s string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
