package config

import (
	"fmt"
	"strings"
)

// Problems lists every problem found in a configuration source, each with its
// path, so one start tells the user everything to fix.
type Problems struct {
	Source string
	List   []string
}

func (p *Problems) Error() string {
	noun := "problems"
	if len(p.List) == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("%s has %d %s:\n  %s", p.Source, len(p.List), noun, strings.Join(p.List, "\n  "))
}

func (p *Problems) add(path, format string, args ...any) {
	p.List = append(p.List, path+": "+fmt.Sprintf(format, args...))
}
