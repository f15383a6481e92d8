package contract

import "strings"

// downgrade rewrites an OpenAPI 3.1 document, decoded into maps, in place
// into OpenAPI 3.0 terms, so that kin-openapi validates it with its fast 3.0
// engine. It covers what the vendors' 3.1 files use (shared/specs/README),
// each rewrite counted in n:
//
//	type: [X, "null"]              → type: X, nullable: true
//	oneOf/anyOf: [..., {type: null}] → the member dropped, nullable: true
//	exclusiveMinimum: 5 (a number) → minimum: 5, exclusiveMinimum: true
//	const: v                       → enum: [v]
//	examples: [...] in a schema    → dropped (3.0 has example)
//	$ref with keywords beside it   → $ref alone (3.0 ignores them), kept
//	                                 nullable through allOf when they allow null
//
// A rewrite never makes a schema stricter than the 3.1 original; at worst it
// accepts a little more (a type list of two real types loses its type).
func downgrade(root map[string]any, n map[string]int) {
	root["openapi"] = "3.0.3"
	delete(root, "webhooks")
	delete(root, "jsonSchemaDialect")
	if info, ok := root["info"].(map[string]any); ok {
		if lic, ok := info["license"].(map[string]any); ok {
			delete(lic, "identifier")
		}
	}
	walkKeywords(root, n)
}

// nameMaps are the keys whose value maps names (properties, paths, status
// codes, media types) to objects: their keys are not keywords.
var nameMaps = map[string]bool{
	"properties": true, "patternProperties": true, "$defs": true, "definitions": true,
	"schemas": true, "paths": true, "responses": true, "content": true, "headers": true,
	"securitySchemes": true, "requestBodies": true, "links": true, "callbacks": true,
	"variables": true, "mapping": true, "encoding": true, "parameters": true, "examples": true,
	"pathItems": true, "scopes": true,
}

func walkAny(v any, n map[string]int) {
	switch t := v.(type) {
	case map[string]any:
		walkKeywords(t, n)
	case []any:
		for _, x := range t {
			walkAny(x, n)
		}
	}
}

func walkKeywords(m map[string]any, n map[string]int) {
	rewriteSchema(m, n)
	for k, v := range m {
		if strings.HasPrefix(k, "x-") {
			continue // vendor extensions are not OpenAPI
		}
		if inner, ok := v.(map[string]any); ok && nameMaps[k] {
			for _, x := range inner {
				walkAny(x, n)
			}
			continue
		}
		walkAny(v, n)
	}
}

func rewriteSchema(m map[string]any, n map[string]int) {
	if list, ok := m["type"].([]any); ok {
		var types []any
		null := false
		for _, t := range list {
			if t == "null" {
				null = true
			} else {
				types = append(types, t)
			}
		}
		switch len(types) {
		case 1:
			m["type"] = types[0]
		default:
			delete(m, "type")
		}
		if null {
			m["nullable"] = true
		}
		n["type list"]++
	}
	if m["type"] == "null" {
		delete(m, "type")
		m["nullable"] = true
		n["type null"]++
	}
	for _, of := range []string{"oneOf", "anyOf"} {
		members, ok := m[of].([]any)
		if !ok {
			continue
		}
		kept := members[:0]
		for _, x := range members {
			if s, ok := x.(map[string]any); ok && len(s) == 1 && s["type"] == "null" {
				m["nullable"] = true
				n[of+" null"]++
				continue
			}
			kept = append(kept, x)
		}
		m[of] = kept
	}
	for kw, bound := range map[string]string{"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"} {
		switch v := m[kw].(type) {
		case float64, int, int64:
			m[bound], m[kw] = v, true
			n["numeric "+kw]++
		}
	}
	if v, ok := m["const"]; ok {
		if _, isSchema := v.(map[string]any); !isSchema { // a property named const is a schema
			if _, has := m["enum"]; !has {
				m["enum"] = []any{v}
			}
			delete(m, "const")
			n["const"]++
		}
	}
	if _, ok := m["examples"].([]any); ok {
		delete(m, "examples")
		n["schema examples"]++
	}
	if ref, ok := m["$ref"].(string); ok && len(m) > 1 {
		nullable, _ := m["nullable"].(bool)
		for k := range m {
			if k != "$ref" && !strings.HasPrefix(k, "x-") {
				delete(m, k)
			}
		}
		if nullable {
			delete(m, "$ref")
			m["allOf"] = []any{map[string]any{"$ref": ref}}
			m["nullable"] = true
		}
		n["$ref siblings"]++
	}
}
