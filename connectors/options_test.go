package connectors_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
)

// upperWord decodes itself, standing in for a connector's own option type.
type upperWord string

func (w *upperWord) UnmarshalText(b []byte) error {
	if strings.ContainsAny(string(b), " ,") {
		return fmt.Errorf("%q is not one word", b)
	}
	*w = upperWord(strings.ToUpper(string(b)))
	return nil
}

type sampleOptions struct {
	Name    string            `yaml:"name" default:"koppel" desc:"a name"`
	On      bool              `yaml:"on" desc:"a switch"`
	Count   int               `yaml:"count" default:"3" min:"1" desc:"a count"`
	Big     int64             `yaml:"big" desc:"a large number"`
	TTL     time.Duration     `yaml:"ttl" default:"5m" min:"1s" desc:"a duration"`
	Tags    []string          `yaml:"tags" default:"a,b" desc:"a list"`
	Labels  map[string]string `yaml:"labels" desc:"pairs"`
	Mode    string            `yaml:"mode" enum:"fast,Safe" desc:"a choice"`
	Word    upperWord         `yaml:"word" type:"one word" desc:"decodes itself"`
	Needed  string            `yaml:"needed" required:"true" desc:"must be set"`
	Scale   int               `yaml:"scale" enum:"1,100" desc:"an enum of numbers"`
	Default map[string]string `yaml:"withDefault" default:"x=1" desc:"a map with a default"`
}

func TestDecodeOptionsReadsEveryType(t *testing.T) {
	var o sampleOptions
	problems := connectors.DecodeOptions("demo", &o, map[string]string{
		"name": " shop ", "on": "TRUE", "count": "7", "big": "9000000000", "ttl": "90s",
		"tags": "x, y,,z", "labels": "k=v, a = b", "mode": "safe", "word": "abc", "needed": "yes", "scale": "100",
	})
	require.Empty(t, problems)
	assert.Equal(t, sampleOptions{
		Name: "shop", On: true, Count: 7, Big: 9000000000, TTL: 90 * time.Second,
		Tags: []string{"x", "y", "z"}, Labels: map[string]string{"k": "v", "a": "b"},
		Mode: "Safe", // the declared spelling
		Word: "ABC", Needed: "yes", Scale: 100, Default: map[string]string{"x": "1"},
	}, o)
}

func TestDecodeOptionsAppliesDefaultsToAbsentAndBlankOptions(t *testing.T) {
	o := sampleOptions{Name: "stale", Count: 99, On: true, Big: 5}
	problems := connectors.DecodeOptions("demo", &o, map[string]string{"name": "  ", "needed": "x"})
	require.Empty(t, problems)
	assert.Equal(t, "koppel", o.Name)
	assert.Equal(t, 3, o.Count)
	assert.False(t, o.On, "a field without a default is reset to zero, not left as it was")
	assert.Zero(t, o.Big)
	assert.Equal(t, 5*time.Minute, o.TTL)
	assert.Equal(t, []string{"a", "b"}, o.Tags)

	// A caller changing what it got must not change the next default.
	o.Tags[0] = "changed"
	o.Default["x"] = "changed"
	var again sampleOptions
	connectors.DecodeOptions("demo", &again, map[string]string{"needed": "x"})
	assert.Equal(t, []string{"a", "b"}, again.Tags)
	assert.Equal(t, map[string]string{"x": "1"}, again.Default)
}

func TestDecodeOptionsNamesEveryProblemByPath(t *testing.T) {
	var o sampleOptions
	problems := connectors.DecodeOptions("demo", &o, map[string]string{
		"colour": "red", "on": "maybe", "count": "0", "big": "many", "ttl": "5x",
		"labels": "k=v,novalue", "mode": "slow", "word": "two words", "scale": "10",
	})
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{
		`options.big: "many" is not a whole number`,
		`options.colour: demo takes no option "colour" (it takes big, count, labels, mode, name, needed, on, scale, tags, ttl, withDefault, word)`,
		`options.count: 0 is less than 1`,
		`options.labels: "novalue" is not key=value`,
		`options.mode: "slow" is not one of fast, Safe`,
		`options.needed: is required; must be set`,
		`options.on: "maybe" is not true or false`,
		`options.scale: "10" is not one of 1, 100`,
		`options.ttl: "5x" is not a duration like 5m`,
		`options.word: "two words" is not one word`,
	}, got)

	problems = connectors.DecodeOptions("demo", &o, map[string]string{"needed": "x", "ttl": "500ms"})
	require.Len(t, problems, 1)
	assert.Equal(t, `options.ttl: 500ms is shorter than 1s`, problems[0].String())
	assert.Equal(t, `options.ttl: 500ms is shorter than 1s; options.x: y`,
		connectors.JoinProblems(append(problems, connectors.Problem{Path: "options.x", Message: "y"})))
}

func TestDescribeOptionsListsDeclarationOrder(t *testing.T) {
	infos := connectors.DescribeOptions((*sampleOptions)(nil))
	require.Len(t, infos, 12)
	assert.Equal(t, connectors.OptionInfo{Name: "name", Type: "text", Default: "koppel", Description: "a name"}, infos[0])
	assert.Equal(t, connectors.OptionInfo{Name: "count", Type: "whole number", Default: "3", Description: "a count", Min: "1"}, infos[2])
	types := map[string]string{}
	for _, i := range infos {
		types[i.Name] = i.Type
	}
	assert.Equal(t, map[string]string{"name": "text", "on": "true/false", "count": "whole number", "big": "whole number",
		"ttl": "duration", "tags": "list", "labels": "key=value list", "mode": "text", "word": "one word", "needed": "text",
		"scale": "whole number", "withDefault": "key=value list"}, types)
	assert.Equal(t, []string{"fast", "Safe"}, infos[7].Enum)
	assert.True(t, infos[9].Required)
	assert.Nil(t, connectors.DescribeOptions(nil))
}

// A mistake in a declaration panics when the options are first described,
// which Register does at init, rather than when a user first sets one.
func TestBadOptionDeclarationsPanic(t *testing.T) {
	for name, spec := range map[string]any{
		"no yaml tag": struct{ A string }{},
		"unexported":  struct{ a string }{},
		"unknown type": struct {
			F float64 `yaml:"f"`
		}{},
		"default unread": struct {
			N int `yaml:"n" default:"ten"`
		}{},
		"default not enum": struct {
			S string `yaml:"s" enum:"a,b" default:"c"`
		}{},
		"min on text": struct {
			S string `yaml:"s" min:"1"`
		}{},
		"min not a number": struct {
			N int `yaml:"n" min:"one"`
		}{},
		"twice": struct {
			A, B string `yaml:"a"`
		}{},
	} {
		assert.Panics(t, func() { connectors.DescribeOptions(spec) }, name)
	}
	assert.Panics(t, func() { connectors.DecodeOptions("demo", sampleOptions{}, nil) }, "not a pointer")
}
