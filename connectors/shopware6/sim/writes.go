package sim

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

// writes.go serves the catalogue's writes (research §1.4, §1.6, §1.7):
//
//   - POST /api/{entity}: create one record; 204 with a Location header, or
//     200 {"data": …} with ?_response=basic|detail; an id that exists is
//     refused (the REST create inserts);
//   - PATCH /api/{entity}/{id}: partial update, 404 when missing; to-many
//     associations are only added to, never cleared;
//   - GET /api/{entity}/{id};
//   - POST /api/_action/sync: upsert and delete operations, given as a list
//     (the contract) or an object keyed by operation names (the research).
//     From 6.5 every request is one transaction: any error rolls all of it
//     back and answers 400 with the errors[] body, pointers
//     /<operation>/<index>/<field>; success is {"data", "notFound",
//     "deleted"}. 6.4 answers {"success", "data": {<op>: {"result": […]}}}
//     and honours fail-on-error: false by keeping each operation that
//     succeeded. Deletes take primary keys or, for mapping entities, a
//     criteria;
//   - POST /api/_action/media/{mediaId}/upload: the file as the raw body or
//     {"url"}, 204 with Location.
//
// Validation follows the DAL: a product needs name, productNumber, stock,
// taxId and price (a variant only productNumber and stock), each missing
// one is an error of its own with the NotBlank code and a /0/<field>
// pointer; a product number another product has is
// CONTENT__DUPLICATE_PRODUCT_NUMBER. Guesses, where the research has none:
// the codes for an existing id on create, a missing foreign key, a price
// without the default currency and an unknown field.

// required fields on insert, per entity.
var requiredOnInsert = map[string][]string{
	"property_group":               {"name"},
	"property_group_option":        {"groupId", "name"},
	"category":                     {"name"},
	"tax":                          {"name", "taxRate"},
	"product_visibility":           {"productId", "salesChannelId", "visibility"},
	"product_media":                {"productId", "mediaId"},
	"product_configurator_setting": {"productId", "optionId"},
}

// productFields are the product's writable fields the simulator knows;
// another is refused, as the DAL refuses an unexpected field.
var productFields = []string{"id", "versionId", "parentId", "productNumber", "name", "description", "metaTitle", "metaDescription",
	"keywords", "active", "stock", "isCloseout", "restockTime", "minPurchase", "maxPurchase", "purchaseSteps", "price",
	"purchasePrices", "taxId", "manufacturerId", "manufacturerNumber", "ean", "weight", "width", "height", "length",
	"shippingFree", "markAsTopseller", "releaseDate", "coverId", "customFields", "type", "deliveryTimeId", "unitId",
	"variantListingConfig", "children", "visibilities", "categories", "options", "properties", "configuratorSettings", "media"}

const notBlank = "c1051bb4-d103-4f74-8988-acbcafc7fdc3"

// writer applies one request's writes, collecting errors and what it wrote.
type writer struct {
	s       *Sim
	errs    []apiError
	written map[string][]string
	insert  bool // the REST create: the top record must be new
}

func (w *writer) fail(code, ptr, format string, args ...any) {
	w.errs = append(w.errs, apiError{Status: 400, Code: code, Pointer: ptr, Detail: fmt.Sprintf(format, args...)})
}

func (w *writer) note(entity, id string) {
	if w.written == nil {
		w.written = map[string][]string{}
	}
	if !slices.Contains(w.written[entity], id) {
		w.written[entity] = append(w.written[entity], id)
	}
}

// upsert writes one record of entity (nested associations included) and
// returns its id; fk holds the foreign key of a nested one (its parent).
func (w *writer) upsert(entity string, payload map[string]any, ptr string, fk map[string]any) string {
	s := w.s
	id := str(payload["id"])
	if raw, given := payload["id"]; given && !isID(id) {
		w.fail("FRAMEWORK__INVALID_UUID", ptr+"/id", "Value is not a valid UUID: %v", raw)
		return ""
	}
	if id == "" {
		id = s.newID(entity)
	}
	if keys, ok := mappingEntities[entity]; ok { // a mapping record is its two keys
		a, b := str(payload[keys[0]]), str(payload[keys[1]])
		if a == "" {
			a = str(fk[keys[0]])
		}
		s.link(entity, a, b)
		return ""
	}
	existing := s.find(entity, id)
	if w.insert && existing != nil {
		w.fail("FRAMEWORK__WRITE_DUPLICATE_PRIMARY_KEY", ptr+"/id", "An entity %s with the primary key %s exists already.", entity, id) // [?] code
		return ""
	}
	w.insert = false // nested records are upserts
	rec := record{}
	if existing != nil {
		rec = maps.Clone(existing)
	}
	rec["id"] = id
	maps.Copy(rec, fk)
	nested := map[string]any{}
	for k, v := range payload {
		if entity == "product" && !slices.Contains(productFields, k) {
			w.fail("FRAMEWORK__WRITE_UNEXPECTED_FIELD_ERROR", ptr+"/"+k, "Unexpected field: %s", k) // [?] code
			continue
		}
		switch k {
		case "children", "visibilities", "categories", "options", "properties", "configuratorSettings", "media", "group":
			nested[k] = v
			continue
		}
		if entity == "property_group" && k == "options" {
			nested[k] = v
			continue
		}
		if v == nil {
			delete(rec, k) // null restores inheritance
			continue
		}
		rec[k] = v
	}
	if entity == "property_group_option" {
		if g, ok := nested["group"].(map[string]any); ok {
			rec["groupId"] = w.upsert("property_group", g, ptr+"/group", nil)
		}
	}
	if existing == nil {
		req := requiredOnInsert[entity]
		if entity == "product" {
			req = []string{"name", "productNumber", "stock", "taxId", "price"}
			if str(rec["parentId"]) != "" {
				req = []string{"productNumber", "stock"}
			}
		}
		for _, f := range req {
			if v, ok := rec[f]; !ok || v == nil || v == "" {
				w.fail(notBlank, ptr+"/"+f, "This value should not be blank.")
			}
		}
	}
	w.checkFields(entity, rec, ptr)
	s.store(entity, rec)
	w.note(entity, id)
	w.nested(entity, id, nested, ptr)
	return id
}

// checkFields checks types, foreign keys and uniqueness.
func (w *writer) checkFields(entity string, rec record, ptr string) {
	s := w.s
	fkOf := map[string]string{"taxId": "tax", "parentId": entity, "groupId": "property_group", "salesChannelId": "sales_channel",
		"mediaId": "media", "optionId": "property_group_option", "productId": "product"}
	if entity == "category" || entity == "product" || entity == "property_group_option" || strings.HasPrefix(entity, "product_") {
		for f, target := range fkOf {
			if f == "parentId" && entity != "product" && entity != "category" {
				continue
			}
			if id := str(rec[f]); id != "" && s.find(target, id) == nil {
				w.fail("FRAMEWORK__WRITE_CONSTRAINT_VIOLATION", ptr+"/"+f, "The %s with the id %s does not exist.", target, id) // [?] code
			}
		}
	}
	if entity != "product" {
		return
	}
	if v, ok := rec["stock"]; ok {
		if n, isNum := v.(json.Number); !isNum || strings.ContainsAny(n.String(), ".eE") {
			w.fail("ba785a8c-82cb-4283-967c-3cf342181b40", ptr+"/stock", "This value should be of type int.")
		}
	}
	if num := str(rec["productNumber"]); num != "" {
		for _, other := range s.list("product") {
			if other["id"] != rec["id"] && strings.EqualFold(str(other["productNumber"]), num) {
				w.errs = append(w.errs, apiError{Status: 400, Code: "CONTENT__DUPLICATE_PRODUCT_NUMBER", Pointer: ptr + "/productNumber",
					Detail: fmt.Sprintf("Product with number %q already exists.", num), Params: map[string]any{"number": num}})
			}
		}
	}
	if prices, ok := rec["price"].([]any); ok {
		hasDefault := false
		for i, p := range prices {
			m, _ := p.(map[string]any)
			at := fmt.Sprintf("%s/price/%d", ptr, i)
			for _, f := range []string{"gross", "net"} {
				if _, isNum := m[f].(json.Number); !isNum {
					w.fail(notBlank, at+"/"+f, "This value should not be blank.")
				}
			}
			if _, isBool := m["linked"].(bool); !isBool {
				w.fail(notBlank, at+"/linked", "This value should not be blank.")
			}
			if m["currencyId"] == DefaultCurrencyID {
				hasDefault = true
			}
		}
		if !hasDefault {
			w.fail("CONTENT__PRODUCT_PRICE_DEFAULT_CURRENCY_MISSING", ptr+"/price", "No price for the default currency is defined.") // [L] code ?
		}
	} else if _, set := rec["price"]; set {
		w.fail("FRAMEWORK__WRITE_MALFORMED_INPUT", ptr+"/price", "Expected data at /price to be an array.")
	}
}

// nested writes the associations of a record.
func (w *writer) nested(entity, id string, nested map[string]any, ptr string) {
	list := func(k string) []map[string]any {
		raw, ok := nested[k].([]any)
		if !ok {
			if nested[k] != nil {
				w.fail("FRAMEWORK__WRITE_MALFORMED_INPUT", ptr+"/"+k, "Expected data at /%s to be an array.", k)
			}
			return nil
		}
		out := make([]map[string]any, 0, len(raw))
		for _, x := range raw {
			m, _ := x.(map[string]any)
			out = append(out, m)
		}
		return out
	}
	if entity == "property_group" {
		for i, o := range list("options") {
			w.upsert("property_group_option", o, fmt.Sprintf("%s/options/%d", ptr, i), map[string]any{"groupId": id})
		}
		return
	}
	if entity != "product" {
		return
	}
	for i, c := range list("children") {
		w.upsert("product", c, fmt.Sprintf("%s/children/%d", ptr, i), map[string]any{"parentId": id})
	}
	for i, v := range list("visibilities") {
		w.upsert("product_visibility", v, fmt.Sprintf("%s/visibilities/%d", ptr, i), map[string]any{"productId": id})
	}
	for i, m := range list("media") {
		at := fmt.Sprintf("%s/media/%d", ptr, i)
		if media, ok := m["media"].(map[string]any); ok {
			m = maps.Clone(m)
			m["mediaId"] = w.upsert("media", media, at+"/media", nil)
			delete(m, "media")
		}
		w.upsert("product_media", m, at, map[string]any{"productId": id})
	}
	for i, c := range list("configuratorSettings") {
		w.upsert("product_configurator_setting", c, fmt.Sprintf("%s/configuratorSettings/%d", ptr, i), map[string]any{"productId": id})
	}
	for _, k := range []string{"categories", "options", "properties"} {
		target := map[string]string{"categories": "category", "options": "property_group_option", "properties": "property_group_option"}[k]
		mapping := map[string]string{"categories": "product_category", "options": "product_option", "properties": "product_property"}[k]
		for i, ref := range list(k) {
			at := fmt.Sprintf("%s/%s/%d", ptr, k, i)
			rid := str(ref["id"])
			if len(ref) > 1 { // a record written with the link
				rid = w.upsert(target, ref, at, nil)
			} else if w.s.find(target, rid) == nil {
				w.fail("FRAMEWORK__WRITE_CONSTRAINT_VIOLATION", at+"/id", "The %s with the id %s does not exist.", target, rid)
				continue
			}
			w.s.link(mapping, id, rid)
		}
	}
	// the product's cover must be one of its media
	if cover := str(w.s.find("product", id)["coverId"]); cover != "" && w.s.find("product_media", cover) == nil {
		w.fail("FRAMEWORK__WRITE_CONSTRAINT_VIOLATION", ptr+"/coverId", "The product_media with the id %s does not exist.", cover)
	}
}

// routeEntity is the entity of a route name (dashes → underscores).
func routeEntity(route string) string { return strings.ReplaceAll(route, "-", "_") }

// decodeJSON reads a body with numbers kept as their text.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return dec.Decode(v)
}

func malformed() reply {
	return fail(apiError{Status: 400, Code: "FRAMEWORK__INVALID_REQUEST_PARAMETER", Detail: "The JSON payload is malformed."})
}

// createRoute serves POST /api/{entity}.
func createRoute(entity string) routeFunc {
	return func(s *Sim, r *http.Request, _ simkit.Params, body []byte) reply {
		var payload map[string]any
		if err := decodeJSON(body, &payload); err != nil || payload == nil {
			return malformed()
		}
		before := cloneCatalog(s.state.Catalog)
		w := &writer{s: s, insert: true}
		id := w.upsert(entity, payload, "/0", nil)
		if len(w.errs) > 0 {
			s.state.Catalog = before
			return fail(w.errs...)
		}
		return s.written(r, entity, id)
	}
}

// patchRoute serves PATCH /api/{entity}/{id}.
func patchRoute(entity string) routeFunc {
	return func(s *Sim, r *http.Request, p simkit.Params, body []byte) reply {
		id := p.Get("id")
		if !isID(id) {
			return fail(apiError{Status: 400, Code: "FRAMEWORK__INVALID_UUID", Detail: "Value is not a valid UUID: " + id})
		}
		if s.find(entity, id) == nil {
			return fail(*notFoundError(entity, id))
		}
		var payload map[string]any
		if err := decodeJSON(body, &payload); err != nil || payload == nil {
			return malformed()
		}
		payload["id"] = id
		before := cloneCatalog(s.state.Catalog)
		w := &writer{s: s}
		w.upsert(entity, payload, "/0", nil)
		if len(w.errs) > 0 {
			s.state.Catalog = before
			return fail(w.errs...)
		}
		return s.written(r, entity, id)
	}
}

// written answers a create or update: 204 with Location, or the record
// with ?_response.
func (s *Sim) written(r *http.Request, entity, id string) reply {
	if r.URL.Query().Get("_response") != "" {
		return ok(node{"data": s.renderRecord(entity, s.find(entity, id), r.Header.Get("sw-inheritance") == "1")})
	}
	h := http.Header{}
	h.Set("Location", fmt.Sprintf("%s://%s%s/%s/%s", scheme(r), r.Host, APIPath, strings.ReplaceAll(entity, "_", "-"), id))
	return reply{status: http.StatusNoContent, header: h}
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// getRoute serves GET /api/{entity}/{id}.
func getRoute(entity string) routeFunc {
	return func(s *Sim, r *http.Request, p simkit.Params, _ []byte) reply {
		rec := s.find(entity, p.Get("id"))
		if rec == nil {
			return fail(*notFoundError(entity, p.Get("id")))
		}
		return ok(node{"data": s.renderRecord(entity, rec, r.Header.Get("sw-inheritance") == "1")})
	}
}

// syncOp is one operation of a sync request.
type syncOp struct {
	key      string
	Entity   string           `json:"entity"`
	Action   string           `json:"action"`
	Payload  []map[string]any `json:"payload"`
	Criteria []any            `json:"criteria"`
}

// sync serves POST /api/_action/sync.
func (s *Sim) sync(r *http.Request, _ simkit.Params, body []byte) reply {
	var ops []syncOp
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := decodeJSON(body, &ops); err != nil {
			return malformed()
		}
		for i := range ops {
			ops[i].key = strconv.Itoa(i)
		}
	default:
		var m map[string]syncOp
		if err := decodeJSON(body, &m); err != nil {
			return malformed()
		}
		for _, k := range sortedKeys(m) {
			op := m[k]
			op.key = k
			ops = append(ops, op)
		}
	}
	failOnError := !strings.EqualFold(r.Header.Get("fail-on-error"), "false") || s.atLeast(6, 5) // gone from 6.5 on
	before := cloneCatalog(s.state.Catalog)
	var all []apiError
	data, deleted := map[string][]string{}, map[string][]string{}
	results := node{}
	for _, op := range ops {
		opBefore := cloneCatalog(s.state.Catalog)
		w := &writer{s: s}
		del := map[string][]string{}
		entity := op.Entity
		switch {
		case !slices.Contains(catalogEntities, entity) && mappingEntities[entity] == [2]string{}:
			w.fail("FRAMEWORK__DEFINITION_NOT_FOUND", "/"+op.key+"/entity", "Definition for entity %q does not exist.", entity)
		case op.Action == "upsert":
			for i, p := range op.Payload {
				w.upsert(entity, p, fmt.Sprintf("/%s/%d", op.key, i), nil)
			}
		case op.Action == "delete":
			w.delete(entity, op, del)
		default:
			w.fail("FRAMEWORK__INVALID_SYNC_OPERATION", "/"+op.key+"/action", "Action %q is not one of upsert, delete.", op.Action)
		}
		if len(w.errs) > 0 && !failOnError {
			s.state.Catalog = opBefore // 6.4 without fail-on-error: this operation alone is undone
		}
		all = append(all, w.errs...)
		for e, ids := range w.written {
			data[e] = append(data[e], ids...)
		}
		for e, ids := range del {
			deleted[e] = append(deleted[e], ids...)
		}
		errs := []any{}
		for _, e := range w.errs {
			errs = append(errs, errorsBody(e)["errors"].([]any)[0])
		}
		results[op.key] = node{"result": []any{node{"entities": orEmptyMap(w.written), "errors": errs}}, "extensions": []any{}}
	}
	if !s.atLeast(6, 5) {
		if len(all) > 0 && failOnError {
			s.state.Catalog = before
		}
		status := http.StatusOK
		if len(all) > 0 {
			status = http.StatusBadRequest // [L]
		}
		return reply{status: status, body: node{"success": len(all) == 0, "data": results, "extensions": []any{}}}
	}
	if len(all) > 0 {
		s.state.Catalog = before
		return fail(all...)
	}
	return ok(node{"data": orEmptyMap(data), "notFound": node{}, "deleted": orEmptyMap(deleted)})
}

func orEmptyMap(m map[string][]string) node {
	out := node{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// delete removes records by primary key or, for mapping entities and the
// product's children entities, by a criteria.
func (w *writer) delete(entity string, op syncOp, deleted map[string][]string) {
	s := w.s
	if len(op.Criteria) > 0 {
		if _, mapping := mappingEntities[entity]; !mapping {
			w.fail("FRAMEWORK__SYNC_CRITERIA_NOT_ALLOWED", "/"+op.key+"/criteria", "Criteria deletes are only allowed for mapping entities.")
			return
		}
		p := &parser{}
		var conds []cond
		for i, f := range op.Criteria {
			if c := p.filter(entity, f, fmt.Sprintf("/%s/criteria/%d", op.key, i)); c != nil {
				conds = append(conds, c)
			}
		}
		w.errs = append(w.errs, p.errs...)
		if len(p.errs) > 0 {
			return
		}
		var keep []record
		for _, r := range s.list(entity) {
			if matchAll(conds, r) {
				deleted[entity] = append(deleted[entity], fmt.Sprintf("%v-%v", r[mappingEntities[entity][0]], r[mappingEntities[entity][1]]))
				continue
			}
			keep = append(keep, r)
		}
		s.state.Catalog[entity] = keep
		return
	}
	for i, pk := range op.Payload {
		if keys, mapping := mappingEntities[entity]; mapping {
			before := len(s.list(entity))
			s.state.Catalog[entity] = slices.DeleteFunc(slices.Clone(s.list(entity)), func(r record) bool {
				return r[keys[0]] == pk[keys[0]] && r[keys[1]] == pk[keys[1]]
			})
			if len(s.list(entity)) < before {
				deleted[entity] = append(deleted[entity], fmt.Sprintf("%v-%v", pk[keys[0]], pk[keys[1]]))
			}
			continue
		}
		id := str(pk["id"])
		if !isID(id) {
			w.fail("FRAMEWORK__INVALID_UUID", fmt.Sprintf("/%s/%d/id", op.key, i), "Value is not a valid UUID: %v", pk["id"])
			continue
		}
		if entity == "product" && len(s.where("product", "parentId", id)) > 0 {
			// variants are deleted with their parent (cascade)
			for _, c := range s.where("product", "parentId", id) {
				s.state.Catalog["product"] = slices.DeleteFunc(slices.Clone(s.list("product")), func(r record) bool { return r["id"] == c["id"] })
				deleted["product"] = append(deleted["product"], str(c["id"]))
			}
		}
		n := len(s.list(entity))
		s.state.Catalog[entity] = slices.DeleteFunc(slices.Clone(s.list(entity)), func(r record) bool { return r["id"] == id })
		if len(s.list(entity)) < n {
			deleted[entity] = append(deleted[entity], id)
		}
	}
}

// upload serves POST /api/_action/media/{mediaId}/upload.
func (s *Sim) upload(r *http.Request, p simkit.Params, body []byte) reply {
	id := p.Get("mediaId")
	m := s.find("media", id)
	if m == nil {
		return fail(apiError{Status: http.StatusNotFound, Code: "CONTENT__MEDIA_NOT_FOUND", Detail: fmt.Sprintf("Media for id %s not found.", id),
			Params: map[string]any{"mediaId": id}})
	}
	q := r.URL.Query()
	ext := strings.ToLower(strings.TrimSpace(q.Get("extension")))
	if ext == "" {
		return fail(apiError{Status: 400, Code: "CONTENT__MEDIA_MISSING_FILE_EXTENSION", Detail: "No file extension provided. Please use the extension query parameter."})
	}
	name := strings.TrimSpace(q.Get("fileName"))
	if name == "" {
		name = id
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var u struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal(body, &u); err != nil || u.URL == "" {
			return fail(apiError{Status: 400, Code: "CONTENT__MEDIA_INVALID_URL", Detail: "The provided URL is invalid."})
		}
		body = []byte(u.URL) // the simulator downloads nothing; it keeps the address as the file
	}
	if len(body) == 0 {
		return fail(apiError{Status: 400, Code: "CONTENT__MEDIA_EMPTY_FILE", Detail: "Expected a file, but the request body is empty."})
	}
	for _, other := range s.list("media") {
		if other["id"] != id && other["fileName"] == name && other["fileExtension"] == ext {
			return fail(apiError{Status: 409, Code: "CONTENT__MEDIA_DUPLICATED_FILE_NAME",
				Detail: fmt.Sprintf("A file with the name \"%s.%s\" already exists.", name, ext), Params: map[string]any{"fileName": name, "fileExtension": ext}}) // [L]
		}
	}
	sum := md5.Sum(body)
	next := maps.Clone(m)
	next["fileName"], next["fileExtension"], next["fileSize"] = name, ext, len(body)
	next["mimeType"] = firstNonEmpty(mime.TypeByExtension("."+ext), "application/octet-stream")
	next["fileHash"], next["uploadedAt"] = hex.EncodeToString(sum[:]), ts(s.o.Now())
	s.store("media", next)
	h := http.Header{}
	h.Set("Location", fmt.Sprintf("%s://%s/media/%s.%s", scheme(r), r.Host, name, ext))
	return reply{status: http.StatusNoContent, header: h}
}
