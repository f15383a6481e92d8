package contract

import (
	"encoding/json"
	"testing"
)

// Each 3.1 construct the vendors' files use becomes its 3.0 equal; property
// names that look like keywords stay as they are.
func TestDowngrade(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(`{
		"openapi": "3.1.0", "webhooks": {},
		"components": {"schemas": {
			"A": {"type": "object", "properties": {
				"name":  {"type": ["string", "null"]},
				"count": {"type": "integer", "exclusiveMinimum": 0},
				"kind":  {"const": "x"},
				"ref":   {"$ref": "#/components/schemas/B", "description": "beside the ref"},
				"nref":  {"$ref": "#/components/schemas/B", "type": ["object", "null"]},
				"one":   {"oneOf": [{"type": "string"}, {"type": "null"}]},
				"ex":    {"type": "string", "examples": ["a"]},
				"const": {"type": "string"},
				"type":  {"type": "string"}
			}},
			"B": {"type": "object"}
		}}}`), &doc); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	downgrade(doc, n)
	props := doc["components"].(map[string]any)["schemas"].(map[string]any)["A"].(map[string]any)["properties"].(map[string]any)
	got, _ := json.Marshal(props)
	want := `{"const":{"type":"string"},"count":{"exclusiveMinimum":true,"minimum":0,"type":"integer"},` +
		`"ex":{"type":"string"},"kind":{"enum":["x"]},"name":{"nullable":true,"type":"string"},` +
		`"nref":{"allOf":[{"$ref":"#/components/schemas/B"}],"nullable":true},"one":{"nullable":true,"oneOf":[{"type":"string"}]},` +
		`"ref":{"$ref":"#/components/schemas/B"},"type":{"type":"string"}}`
	if string(got) != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, want)
	}
	if doc["openapi"] != "3.0.3" || doc["webhooks"] != nil {
		t.Errorf("the document is still %v with webhooks %v", doc["openapi"], doc["webhooks"])
	}
}
