package contract

import (
	"regexp"
	"sort"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([^{}]+)\}`)

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// mergeParamVariants merges path templates that differ only in their
// parameters' names (Visma.net: /v1/inventory/internal/{inventoryId} for
// some methods, …/{inventoryID} for others; eAccounting's label routes):
// a router stops at the first template that matches the path and answers
// "method not allowed" when the method lives under the other one. The
// operations of every later variant move under the first, their path
// parameters renamed by position; a parameter that is a $ref is copied
// before it is renamed, so other users of the component keep its name.
func mergeParamVariants(root map[string]any, n map[string]int) {
	paths, _ := root["paths"].(map[string]any)
	groups := map[string][]string{}
	for p := range paths {
		key := pathParam.ReplaceAllString(p, "{}")
		groups[key] = append(groups[key], p)
	}
	for _, members := range groups {
		if len(members) < 2 {
			continue
		}
		sort.Strings(members) // the same first member on every load
		first, _ := paths[members[0]].(map[string]any)
		if first == nil {
			continue
		}
		want := paramNames(members[0])
		for _, other := range members[1:] {
			item, _ := paths[other].(map[string]any)
			rename := map[string]string{}
			for i, name := range paramNames(other) {
				if i < len(want) && name != want[i] {
					rename[name] = want[i]
				}
			}
			for _, m := range httpMethods {
				op, ok := item[m].(map[string]any)
				if !ok {
					continue
				}
				if _, taken := first[m]; taken {
					continue // both declare it; the first wins, as a router would pick it
				}
				op["parameters"] = renamedParams(root, append(listOf(item["parameters"]), listOf(op["parameters"])...), rename)
				first[m] = op
				n["merged path variant"]++
			}
			delete(paths, other)
		}
	}
}

func paramNames(template string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(template, -1) {
		out = append(out, m[1])
	}
	return out
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

// renamedParams returns params with the path parameters renamed; an
// operation's own parameter overrides the path item's of the same name.
func renamedParams(root map[string]any, params []any, rename map[string]string) []any {
	byKey := map[string]int{}
	var out []any
	for _, p := range params {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		if ref, ok := m["$ref"].(string); ok {
			if resolved := localRef(root, ref); resolved != nil {
				m = resolved
			}
		}
		name, _ := m["name"].(string)
		if m["in"] == "path" && rename[name] != "" {
			c := make(map[string]any, len(m))
			for k, v := range m {
				c[k] = v
			}
			c["name"] = rename[name]
			m = c
		}
		in, _ := m["in"].(string)
		name, _ = m["name"].(string)
		key := in + ":" + name
		if i, dup := byKey[key]; dup {
			out[i] = m
			continue
		}
		byKey[key] = len(out)
		out = append(out, m)
	}
	return out
}

// localRef resolves "#/components/parameters/x" in the decoded document.
func localRef(root map[string]any, ref string) map[string]any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = root
	for _, seg := range strings.Split(rest, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		cur = m[seg]
	}
	m, _ := cur.(map[string]any)
	return m
}
