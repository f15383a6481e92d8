package sim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

type upperName string

func (u upperName) MarshalJSON() ([]byte, error) { return json.Marshal(strings.ToUpper(string(u))) }

// A filter reads a string property without the JSON round trip, and must
// read exactly what the round trip gives: the record as its JSON shows it.
func TestPropertiesReadAsTheJSONShowsThem(t *testing.T) {
	type record struct {
		Reference string    `json:"yourReference,omitempty"`
		Name      upperName `json:"name"`
		Amount    int64     `json:"amount"`
	}
	roundTrip := func(v any) any {
		b, _ := json.Marshal(v)
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var x any
		_ = d.Decode(&x)
		return x
	}
	fields := jsonFieldsOf(reflect.TypeFor[record]())
	for _, ref := range []string{"webshop-1001", "Bakker & Zn <b>", "Café Ünïcode", "bad \xff byte", ""} {
		r := record{Reference: ref, Name: "els", Amount: 1250}
		p := fields.of(&r)
		want := any(nil)
		if ref != "" {
			want = roundTrip(ref)
		}
		assert.Equal(t, want, p("yourReference"), "%q", ref)
		assert.Equal(t, "ELS", p("name"), "a type with its own JSON goes through it")
		assert.Equal(t, json.Number("1250"), p("amount"))
	}
}
