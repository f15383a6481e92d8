package sim

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Time is a date-time on the wire. Writes may carry RFC 3339 (what the
// contract's format date-time asks) or the API's own forms without a zone
// (yyyy-MM-ddTHH:mm:ss[.fff], yyyy-MM-dd), read as UTC. Answers are RFC
// 3339 in UTC with milliseconds, the precision the simulator stamps with.
type Time struct{ time.Time }

// At wraps t for a wire field; the zero time is left out of answers.
func At(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	return &Time{t.UTC()}
}

// The layouts the filters' documentation accepts (yyyy-MM-dd[ HH:mm:ss[.FFF]]
// with a space or a T), and RFC 3339.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime reads a date or date-time; without a zone it is UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a date or date-time: " + s)
}

func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("a date-time must be a string")
	}
	v, err := parseTime(s)
	t.Time = v
	return err
}

func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

// day is midnight UTC of t's date: the date of a document.
func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// period is the financial period of a date, YYYYMM.
func period(t time.Time) string { return t.UTC().Format("200601") }
