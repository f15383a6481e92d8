package model

import (
	"fmt"
	"strings"
)

// FieldError is one problem with one field of a record.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in a record, so one run tells the
// user all there is to fix instead of one thing at a time.
type ValidationError struct {
	Record   string       `json:"record"`
	Problems []FieldError `json:"problems"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return fmt.Sprintf("%s is invalid: %s", e.Record, strings.Join(parts, "; "))
}

// problems collects field errors under a path prefix.
type problems struct {
	list []FieldError
}

func (p *problems) add(field, format string, args ...any) {
	p.list = append(p.list, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) err(record string) error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Record: record, Problems: p.list}
}
