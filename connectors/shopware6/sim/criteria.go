package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// criteria.go is the search of POST /api/search/{entity} (research §1.5):
// the filter types equals, equalsAny, contains, prefix, suffix, range,
// multi and not over field paths that may cross associations
// ("transactions.stateMachineState.technicalName", any element of a to-many
// matching), ids, sort, page and limit, total-count-mode, associations
// (nested), includes, and the answer {"total", "data", "aggregations"}.
//
// A request naming a field or association the entity does not have is
// refused as the DAL refuses it; what the simulator does not implement
// (term, query, aggregations, grouping, fields, a nested association's own
// filter, sort or paging) is refused with 400 saying so, never ignored.

// entityDef is what the search knows of an entity: its scalar fields
// (JSON fields such as price may be entered: price.totalPrice) and its
// associations with their entities.
type entityDef struct {
	fields []string
	assoc  map[string]string
	// autoloaded before 6.6 (research §1.8)
	autoloadBefore66 []string
}

var common = []string{"id", "versionId", "createdAt", "updatedAt", "customFields", "translated"}

var entities = map[string]entityDef{
	"order": {fields: []string{"autoIncrement", "orderNumber", "billingAddressId", "billingAddressVersionId", "currencyId", "languageId",
		"salesChannelId", "orderDateTime", "orderDate", "price", "amountTotal", "amountNet", "positionPrice", "taxStatus",
		"shippingCosts", "shippingTotal", "currencyFactor", "stateId", "deepLinkCode", "itemRounding", "totalRounding",
		"customerComment", "source", "primaryOrderDeliveryId", "primaryOrderDeliveryVersionId", "primaryOrderTransactionId",
		"primaryOrderTransactionVersionId", "affiliateCode", "campaignCode", "internalComment", "ruleIds"},
		assoc: map[string]string{"stateMachineState": "state_machine_state", "currency": "currency", "orderCustomer": "order_customer",
			"billingAddress": "order_address", "addresses": "order_address", "lineItems": "order_line_item",
			"deliveries": "order_delivery", "transactions": "order_transaction"},
		autoloadBefore66: []string{"stateMachineState"}},
	"order_line_item": {fields: []string{"orderId", "orderVersionId", "identifier", "referencedId", "productId", "productVersionId",
		"promotionId", "parentId", "quantity", "label", "payload", "good", "removable", "stackable", "position", "price",
		"priceDefinition", "unitPrice", "totalPrice", "type", "states", "children", "description"}},
	"order_transaction": {fields: []string{"orderId", "orderVersionId", "paymentMethodId", "amount", "stateId", "validationData"},
		assoc:            map[string]string{"stateMachineState": "state_machine_state", "paymentMethod": "payment_method"},
		autoloadBefore66: []string{"stateMachineState"}},
	"order_delivery": {fields: []string{"orderId", "orderVersionId", "shippingOrderAddressId", "shippingOrderAddressVersionId",
		"shippingMethodId", "stateId", "trackingCodes", "shippingDateEarliest", "shippingDateLatest", "shippingCosts"},
		assoc: map[string]string{"stateMachineState": "state_machine_state", "shippingOrderAddress": "order_address",
			"shippingMethod": "shipping_method"},
		autoloadBefore66: []string{"stateMachineState", "shippingOrderAddress"}},
	"order_address": {fields: []string{"countryId", "countryStateId", "orderId", "orderVersionId", "firstName", "lastName", "street",
		"zipcode", "city", "company", "department", "phoneNumber", "additionalAddressLine1", "additionalAddressLine2", "vatId", "title"},
		assoc: map[string]string{"country": "country", "countryState": "country_state"}},
	"order_customer": {fields: []string{"orderId", "orderVersionId", "customerId", "email", "firstName", "lastName", "company",
		"customerNumber", "vatIds", "title", "salutationId", "remoteAddress"},
		assoc: map[string]string{"customer": "customer"}},
	"customer": {fields: []string{"groupId", "salesChannelId", "languageId", "defaultBillingAddressId", "defaultShippingAddressId",
		"customerNumber", "firstName", "lastName", "email", "guest", "active", "accountType", "company"}},
	"state_machine_state": {fields: []string{"technicalName", "name", "stateMachineId"}},
	"currency":            {fields: []string{"factor", "symbol", "isoCode", "shortName", "name", "position", "isSystemDefault", "itemRounding", "totalRounding"}},
	"country":             {fields: []string{"name", "iso", "iso3", "active", "shippingAvailable", "isEu", "position", "addressFormat"}},
	"country_state":       {fields: []string{"countryId", "shortCode", "name", "active"}},
	"payment_method":      {fields: []string{"name", "technicalName", "active", "position"}},
	"shipping_method":     {fields: []string{"name", "technicalName", "active", "position", "deliveryTimeId", "taxType"}},

	// the catalogue (catalog.go)
	"product": {fields: append(slices.Clone(productFields), "availableStock", "available", "childCount", "categoryIds", "optionIds",
		"autoIncrement", "translated"),
		assoc: map[string]string{"children": "product", "tax": "tax", "categories": "category", "options": "property_group_option",
			"properties": "property_group_option", "visibilities": "product_visibility", "media": "product_media",
			"configuratorSettings": "product_configurator_setting", "cover": "product_media"}},
	"property_group":               {fields: []string{"name", "displayType", "sortingType", "filterable", "position", "description"}, assoc: map[string]string{"options": "property_group_option"}},
	"property_group_option":        {fields: []string{"groupId", "name", "position", "colorHexCode", "mediaId"}, assoc: map[string]string{"group": "property_group"}},
	"category":                     {fields: []string{"parentId", "afterCategoryId", "name", "active", "type", "level", "path", "childCount", "visible"}},
	"tax":                          {fields: []string{"name", "taxRate", "position"}},
	"sales_channel":                {fields: []string{"name", "typeId", "navigationCategoryId", "active", "accessKey", "currencyId", "languageId"}},
	"media":                        {fields: []string{"mediaFolderId", "mimeType", "fileExtension", "fileName", "fileSize", "fileHash", "alt", "title", "private", "uploadedAt", "hasFile", "url"}},
	"product_visibility":           {fields: []string{"productId", "salesChannelId", "visibility"}},
	"product_media":                {fields: []string{"productId", "mediaId", "position"}, assoc: map[string]string{"media": "media"}},
	"product_configurator_setting": {fields: []string{"productId", "optionId", "position", "price", "mediaId"}},
	"product_category":             {fields: []string{"productId", "categoryId"}},
	"product_option":               {fields: []string{"productId", "optionId"}},
	"product_property":             {fields: []string{"productId", "optionId"}},
}

// apiError is one entry of the errors[] body.
type apiError struct {
	Status  int
	Code    string
	Detail  string
	Pointer string
	Params  map[string]any
}

// query is a parsed criteria.
type query struct {
	entity       string
	ids          []string
	page, limit  int // limit 0: all
	filters      []cond
	postFilters  []cond
	sorts        []sortKey
	associations map[string]*query
	countMode    string
	includes     map[string][]string
	// reached are the field paths the filters and sorts read.
	reached reach
}

// reach is a tree of field paths: each key one segment, its value what is
// read below it, nil for all of it. A nil reach reaches everything.
type reach map[string]reach

// add adds a path.
func (r reach) add(path []string) {
	for i, seg := range path {
		sub, seen := r[seg]
		switch {
		case i == len(path)-1 || seen && sub == nil:
			r[seg] = nil // the whole field, or all of it already
			return
		case !seen:
			sub = reach{}
			r[seg] = sub
		}
		r = sub
	}
}

// wants reports whether any of the keys is read.
func (r reach) wants(keys ...string) bool {
	if r == nil {
		return true
	}
	for _, k := range keys {
		if _, ok := r[k]; ok {
			return true
		}
	}
	return false
}

// sub is what is read below key (nil: all of it).
func (r reach) sub(key string) reach {
	if r == nil {
		return nil
	}
	return r[key]
}

type sortKey struct {
	path []string
	desc bool
}

// parser collects every problem of a criteria, each with its pointer.
type parser struct {
	errs []apiError
	// paths are the field paths of the root's filters and sorts.
	paths [][]string
}

func (p *parser) fail(code, pointer, format string, args ...any) {
	p.errs = append(p.errs, apiError{Status: 400, Code: code, Pointer: pointer, Detail: fmt.Sprintf(format, args...)})
}

// parseCriteria reads a search body for entity.
func parseCriteria(entity string, body []byte) (*query, []apiError) {
	p := &parser{}
	raw := map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return nil, []apiError{{Status: 400, Code: "0", Detail: "The JSON payload is malformed."}}
		}
	}
	q := p.criteria(entity, raw, "", true)
	q.reached = reach{}
	for _, path := range p.paths {
		q.reached.add(path)
	}
	return q, p.errs
}

func (p *parser) criteria(entity string, raw map[string]any, at string, root bool) *query {
	q := &query{entity: entity, page: 1, countMode: "none"}
	def := entities[entity]
	for _, key := range sortedKeys(raw) {
		v := raw[key]
		ptr := at + "/" + key
		switch key {
		case "ids":
			q.ids = p.stringList(v, ptr)
		case "page", "limit":
			if !root {
				p.fail("FRAMEWORK__NOT_SIMULATED", ptr, "the simulator does not page associations")
				continue
			}
			n, ok := wholeNumber(v)
			if !ok || n < 1 {
				p.fail("FRAMEWORK__INVALID_"+strings.ToUpper(key)+"_QUERY", ptr, "The %s parameter must be a positive integer.", key)
				continue
			}
			if key == "page" {
				q.page = n
			} else {
				q.limit = n
			}
		case "filter", "post-filter":
			if !root {
				p.fail("FRAMEWORK__NOT_SIMULATED", ptr, "the simulator does not filter associations")
				continue
			}
			list, ok := v.([]any)
			if !ok {
				p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr, "The %s parameter must be a list of filters.", key)
				continue
			}
			for i, f := range list {
				if c := p.filter(entity, f, fmt.Sprintf("%s/%d", ptr, i)); c != nil {
					if key == "filter" {
						q.filters = append(q.filters, c)
					} else {
						q.postFilters = append(q.postFilters, c)
					}
				}
			}
		case "sort":
			if !root {
				p.fail("FRAMEWORK__NOT_SIMULATED", ptr, "the simulator does not sort associations")
				continue
			}
			q.sorts = p.sorting(entity, v, ptr)
		case "associations":
			m, ok := v.(map[string]any)
			if !ok {
				p.fail("FRAMEWORK__INVALID_CRITERIA_PARAMETERS", ptr, "The associations parameter must be an object.")
				continue
			}
			q.associations = map[string]*query{}
			for _, name := range sortedKeys(m) {
				target, ok := def.assoc[name]
				if !ok {
					p.fail("FRAMEWORK__ASSOCIATION_NOT_FOUND", ptr+"/"+name, "Can not find association by name %s", name)
					continue
				}
				sub, _ := m[name].(map[string]any)
				if sub == nil && m[name] != nil {
					if _, isList := m[name].([]any); !isList { // PHP sends an empty criteria as []
						p.fail("FRAMEWORK__INVALID_CRITERIA_PARAMETERS", ptr+"/"+name, "An association's criteria must be an object.")
						continue
					}
				}
				q.associations[name] = p.criteria(target, sub, ptr+"/"+name, false)
			}
		case "total-count-mode":
			q.countMode = p.countMode(v, ptr)
		case "includes":
			q.includes = map[string][]string{}
			m, _ := v.(map[string]any)
			for alias, fields := range m {
				q.includes[alias] = p.stringList(fields, ptr+"/"+alias)
			}
		case "term", "query", "aggregations", "grouping", "fields", "excludes":
			p.fail("FRAMEWORK__NOT_SIMULATED", ptr, "the simulator does not implement %q", key)
		}
		// Other keys are ignored, as the DAL ignores what it does not know.
	}
	return q
}

func (p *parser) countMode(v any, ptr string) string {
	modes := []string{"none", "exact", "next-pages"}
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.Atoi(x.String()); err == nil && n >= 0 && n < len(modes) {
			return modes[n]
		}
	case string:
		if slices.Contains(modes, x) {
			return x
		}
		if n, err := strconv.Atoi(x); err == nil && n >= 0 && n < len(modes) {
			return modes[n]
		}
	}
	p.fail("FRAMEWORK__INVALID_CRITERIA_PARAMETERS", ptr, "The total-count-mode parameter must be one of none, exact, next-pages (or 0, 1, 2).")
	return "none"
}

func (p *parser) stringList(v any, ptr string) []string {
	list, ok := v.([]any)
	if !ok {
		p.fail("FRAMEWORK__INVALID_CRITERIA_PARAMETERS", ptr, "A list of strings is expected.")
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			p.fail("FRAMEWORK__INVALID_CRITERIA_PARAMETERS", ptr, "A list of strings is expected.")
			return nil
		}
		out = append(out, s)
	}
	return out
}

func wholeNumber(v any) (int, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.Atoi(x.String())
		return n, err == nil
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}

// fieldPath checks a field path against the entity's definitions: every
// segment but the last an association (or a JSON field entered), the last a
// field. A leading "<entity>." is allowed, as the DAL allows it.
func (p *parser) fieldPath(entity string, field any, ptr string) []string {
	name, ok := field.(string)
	if !ok || name == "" {
		p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr, "The field parameter is missing.")
		return nil
	}
	segs := strings.Split(strings.TrimPrefix(name, entity+"."), ".")
	cur := entity
	for i, seg := range segs {
		def := entities[cur]
		if target, ok := def.assoc[seg]; ok && i < len(segs)-1 {
			cur = target
			continue
		}
		if slices.Contains(def.fields, seg) || slices.Contains(common, seg) {
			p.paths = append(p.paths, segs)
			return segs // a JSON field's keys are not checked
		}
		p.errs = append(p.errs, apiError{Status: 400, Code: "FRAMEWORK__UNMAPPED_FIELD", Pointer: ptr,
			Detail: fmt.Sprintf("Field %q in entity %q was not found.", seg, cur)})
		return nil
	}
	return segs
}

func (p *parser) sorting(entity string, v any, ptr string) []sortKey {
	list, ok := v.([]any)
	if !ok {
		p.fail("FRAMEWORK__INVALID_SORT_QUERY", ptr, "The sort parameter must be a list.")
		return nil
	}
	var out []sortKey
	for i, x := range list {
		m, _ := x.(map[string]any)
		at := fmt.Sprintf("%s/%d", ptr, i)
		path := p.fieldPath(entity, m["field"], at+"/field")
		if path == nil {
			continue
		}
		order, _ := m["order"].(string)
		out = append(out, sortKey{path: path, desc: strings.EqualFold(order, "desc")})
	}
	return out
}

// cond is one parsed filter.
type cond func(n node) bool

func (p *parser) filter(entity string, v any, ptr string) cond {
	m, ok := v.(map[string]any)
	if !ok {
		p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr, "A filter must be an object.")
		return nil
	}
	typ, _ := m["type"].(string)
	switch typ {
	case "multi", "not":
		list, ok := m["queries"].([]any)
		if !ok {
			p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/queries", "Parameter \"queries\" for %s filter is missing.", typ)
			return nil
		}
		var subs []cond
		for i, x := range list {
			if c := p.filter(entity, x, fmt.Sprintf("%s/queries/%d", ptr, i)); c != nil {
				subs = append(subs, c)
			}
		}
		op, _ := m["operator"].(string)
		op = strings.ToLower(op)
		if op == "" {
			op = "and"
		}
		if !slices.Contains([]string{"and", "or", "nand", "nor"}, op) {
			p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/operator", "The operator %q is not one of and, or, nand, nor.", op)
			return nil
		}
		if typ == "not" {
			op = map[string]string{"and": "nand", "or": "nor", "nand": "and", "nor": "or"}[op]
		}
		return combine(op, subs)
	case "equals", "equalsAny", "equalsAll", "contains", "prefix", "suffix", "range":
	default:
		p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/type", "Unsupported filter type: %s", typ)
		return nil
	}
	path := p.fieldPath(entity, m["field"], ptr+"/field")
	if path == nil {
		return nil
	}
	switch typ {
	case "equals":
		want, present := m["value"]
		if !present {
			p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/value", "Parameter \"value\" for equals filter is missing.")
			return nil
		}
		return func(n node) bool {
			return slices.ContainsFunc(leaves(n, path), func(x any) bool { return equal(x, want) })
		}
	case "equalsAny", "equalsAll":
		var values []any
		switch x := m["value"].(type) {
		case []any:
			values = x
		case string:
			for _, s := range strings.Split(x, "|") {
				values = append(values, s)
			}
		default:
			p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/value", "Parameter \"value\" for %s filter must be a list or a |-separated string.", typ)
			return nil
		}
		if typ == "equalsAll" {
			return func(n node) bool {
				got := leaves(n, path)
				for _, v := range values {
					if !slices.ContainsFunc(got, func(x any) bool { return equal(x, v) }) {
						return false
					}
				}
				return true
			}
		}
		return func(n node) bool {
			return slices.ContainsFunc(leaves(n, path), func(x any) bool {
				return slices.ContainsFunc(values, func(v any) bool { return equal(x, v) })
			})
		}
	case "contains", "prefix", "suffix":
		want, ok := m["value"].(string)
		if !ok {
			p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/value", "Parameter \"value\" for %s filter must be a string.", typ)
			return nil
		}
		want = strings.ToLower(want)
		test := map[string]func(string, string) bool{"contains": strings.Contains, "prefix": strings.HasPrefix, "suffix": strings.HasSuffix}[typ]
		return func(n node) bool {
			return slices.ContainsFunc(leaves(n, path), func(x any) bool {
				s, ok := text(x)
				return ok && test(strings.ToLower(s), want)
			})
		}
	}
	// range
	params, ok := m["parameters"].(map[string]any)
	if !ok || len(params) == 0 {
		p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/parameters", "Parameter \"parameters\" for range filter is missing.")
		return nil
	}
	type bound struct {
		op    string
		value any
	}
	var bounds []bound
	for _, op := range sortedKeys(params) {
		if !slices.Contains([]string{"gte", "gt", "lte", "lt"}, op) {
			p.fail("FRAMEWORK__INVALID_FILTER_QUERY", ptr+"/parameters/"+op, "Unknown range operator %q (gte, gt, lte, lt).", op)
			return nil
		}
		bounds = append(bounds, bound{op, params[op]})
	}
	return func(n node) bool {
		return slices.ContainsFunc(leaves(n, path), func(x any) bool {
			for _, b := range bounds {
				c, ok := compare(x, b.value)
				if !ok {
					return false
				}
				switch {
				case b.op == "gte" && c < 0, b.op == "gt" && c <= 0, b.op == "lte" && c > 0, b.op == "lt" && c >= 0:
					return false
				}
			}
			return true
		})
	}
}

func combine(op string, subs []cond) cond {
	return func(n node) bool {
		some, all := false, true
		for _, c := range subs {
			if c(n) {
				some = true
			} else {
				all = false
			}
		}
		switch op {
		case "or":
			return some
		case "nand":
			return !all
		case "nor":
			return !some
		}
		return all
	}
}

// leaves are the values a path reaches in a rendered record: through a
// to-many association every element's; an absent field, or a to-many with
// no elements, reaches null (nil), as the DAL's left joins do.
func leaves(n any, path []string) []any {
	var out []any
	var walk func(cur any, rest []string)
	walk = func(cur any, rest []string) {
		switch x := cur.(type) {
		case []any:
			if len(x) == 0 {
				out = append(out, nil)
			}
			for _, e := range x {
				walk(e, rest)
			}
			return
		case []string:
			if len(x) == 0 {
				out = append(out, nil)
			}
			for _, e := range x {
				walk(e, rest)
			}
			return
		}
		if len(rest) == 0 {
			out = append(out, cur)
			return
		}
		m, ok := cur.(map[string]any)
		if !ok {
			out = append(out, nil)
			return
		}
		walk(m[rest[0]], rest[1:])
	}
	walk(n, path)
	return out
}

// equal compares a record's value with a filter's: null with null, numbers
// as numbers, times as instants, text without regard to case (the DAL's
// collation), booleans as booleans.
func equal(x, want any) bool {
	if x == nil || want == nil {
		return x == nil && want == nil
	}
	if c, ok := compare(x, want); ok {
		return c == 0
	}
	return false
}

// compare orders a record's value against a filter's; ok is false when they
// cannot be compared.
func compare(x, want any) (int, bool) {
	if x == nil || want == nil {
		return 0, false
	}
	if xb, ok := x.(bool); ok {
		wb, ok := boolOf(want)
		if !ok {
			return 0, false
		}
		switch {
		case xb == wb:
			return 0, true
		case wb:
			return -1, true
		}
		return 1, true
	}
	if xf, ok := numberOf(x); ok {
		if wf, ok := numberOf(want); ok {
			switch {
			case xf < wf:
				return -1, true
			case xf > wf:
				return 1, true
			}
			return 0, true
		}
	}
	xs, ok1 := text(x)
	ws, ok2 := text(want)
	if !ok1 || !ok2 {
		return 0, false
	}
	if xt, err := parseTime(xs); err == nil {
		if wt, err := parseTime(ws); err == nil {
			return xt.Compare(wt), true
		}
	}
	return strings.Compare(strings.ToLower(xs), strings.ToLower(ws)), true
}

func boolOf(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		return x.String() != "0", true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// parseTime reads a time as the DAL compares it: ISO 8601 with an offset,
// or the storage form "2006-01-02 15:04:05.000" (UTC), or a date.
func parseTime(s string) (time.Time, error) {
	// Every layout starts with the date, "2006-01-02": anything shorter, or
	// without the dash after the year, is not a time (and is not tried five
	// times, as every text compared is).
	if len(s) < len("2006-01-02") || s[4] != '-' {
		return time.Time{}, fmt.Errorf("not a time")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.000", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time")
}

// run filters, sorts and pages records; total follows total-count-mode.
func (q *query) run(all []node) (page []node, total int) {
	idx, total := q.runIndexed(all)
	page = make([]node, len(idx))
	for j, i := range idx {
		page[j] = all[i]
	}
	return page, total
}

// runIndexed is run answering with the page's indexes in all.
func (q *query) runIndexed(all []node) (page []int, total int) {
	var hits []int
	for i, n := range all {
		if len(q.ids) > 0 && !slices.Contains(q.ids, fmt.Sprint(n["id"])) {
			continue
		}
		if !matchAll(q.filters, n) || !matchAll(q.postFilters, n) {
			continue
		}
		hits = append(hits, i)
	}
	if len(q.sorts) > 0 {
		sort.SliceStable(hits, func(i, j int) bool {
			for _, k := range q.sorts {
				c := orderOf(all[hits[i]], all[hits[j]], k.path)
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c < 0
				}
			}
			return false
		})
	}
	if q.limit == 0 {
		return hits, len(hits)
	}
	offset := min((q.page-1)*q.limit, len(hits))
	page = hits[offset:min(offset+q.limit, len(hits))]
	switch q.countMode {
	case "exact":
		total = len(hits)
	case "next-pages":
		// Shopware reads up to five further pages (and one record) to tell
		// whether more exist.
		total = offset + min(len(hits)-offset, q.limit*6+1)
	default:
		total = len(page)
	}
	return page, total
}

func matchAll(cs []cond, n node) bool {
	for _, c := range cs {
		if !c(n) {
			return false
		}
	}
	return true
}

// orderOf orders two records by a path's first value; null first, as MySQL
// sorts ascending.
func orderOf(a, b node, path []string) int {
	x, y := leaves(a, path)[0], leaves(b, path)[0]
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return -1
	case y == nil:
		return 1
	}
	c, _ := compare(x, y)
	return c
}

// shape drops the associations a record was not asked to load (keeping
// those the version autoloads) and applies includes, in place.
func (s *Sim) shape(n node, entity string, q *query, includes map[string][]string) {
	def := entities[entity]
	for name, target := range def.assoc {
		var sub *query
		if q != nil {
			sub = q.associations[name]
		}
		if sub == nil && !(!s.atLeast(6, 6) && slices.Contains(def.autoloadBefore66, name)) {
			delete(n, name)
			continue
		}
		switch x := n[name].(type) {
		case node:
			s.shape(x, target, sub, includes)
		case []any:
			for _, e := range x {
				if m, ok := e.(node); ok {
					s.shape(m, target, sub, includes)
				}
			}
		case nil:
			delete(n, name) // a to-one that is not set: left out, as every null is
		}
	}
	alias, _ := n["apiAlias"].(string)
	if keep, ok := includes[alias]; ok {
		for k := range n {
			if k != "apiAlias" && !slices.Contains(keep, k) {
				delete(n, k)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
