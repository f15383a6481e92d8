package sim

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// catalog.go is the catalogue side of the shop (research §1.6, §1.9): the
// product, its variants, visibilities, media links and configurator
// settings, property groups and options, categories, taxes, sales channels
// and media. Records are kept as the API writes them (field → JSON value,
// numbers as json.Number so prices come back exactly as written), one list
// per entity name; mapping entities (product_category, product_option,
// product_property) hold the two foreign keys. A write replaces a record by
// a merged copy, never changes one in place, so a sync can roll back by
// restoring the lists (writes.go).

// record is one stored entity.
type record = map[string]any

// Catalogue fixture ids.
var (
	DefaultTaxID        = fixtureID("tax", "21")
	ReducedTaxID        = fixtureID("tax", "9")
	HomeCategoryID      = fixtureID("category", "Home")
	storefrontTypeID    = "8a243080f92e4c719546314b577cf82b" // Storefront sales channel type
	defaultPaymentID    = fixtureID("payment_method", "Invoice")
	defaultShippingID   = fixtureID("shipping_method", "Standard")
	defaultCountryNL    = fixtureID("country", "NL")
	headlessSalesChanID = fixtureID("sales_channel", "Headless")
)

// defaultCatalog is what a fresh shop holds: the Dutch VAT rates (the demo
// catalogue's), a storefront sales channel with its navigation root "Home"
// and the headless channel every shop has.
func defaultCatalog() map[string][]record {
	return map[string][]record{
		"tax": {
			{"id": DefaultTaxID, "name": "Standard rate", "taxRate": json.Number("21"), "position": json.Number("1")},
			{"id": ReducedTaxID, "name": "Reduced rate", "taxRate": json.Number("9"), "position": json.Number("2")},
			{"id": fixtureID("tax", "0"), "name": "Tax free", "taxRate": json.Number("0"), "position": json.Number("3")},
		},
		"category": {{"id": HomeCategoryID, "name": "Home", "type": "page", "active": true}},
		"sales_channel": {
			{"id": DefaultSalesChannelID, "name": "Storefront", "typeId": storefrontTypeID, "navigationCategoryId": HomeCategoryID},
			{"id": headlessSalesChanID, "name": "Headless", "typeId": "f183ee5650cf4bdb8a774337575067a6", "navigationCategoryId": HomeCategoryID},
		},
	}
}

// catalogEntities are the entities the catalogue keeps, by their route
// name (dashes) where they have a create route.
var catalogEntities = []string{"product", "property_group", "property_group_option", "category", "tax", "media",
	"product_visibility", "product_media", "product_configurator_setting", "sales_channel"}

// mapping entities: the two foreign keys of each.
var mappingEntities = map[string][2]string{
	"product_category": {"productId", "categoryId"},
	"product_option":   {"productId", "optionId"},
	"product_property": {"productId", "optionId"},
}

func (s *Sim) list(entity string) []record { return s.state.Catalog[entity] }

func (s *Sim) find(entity, id string) record {
	for _, r := range s.state.Catalog[entity] {
		if r["id"] == id {
			return r
		}
	}
	return nil
}

func (s *Sim) where(entity, field, value string) []record {
	var out []record
	for _, r := range s.state.Catalog[entity] {
		if r[field] == value {
			out = append(out, r)
		}
	}
	return out
}

// store stores r, replacing the record with its id.
func (s *Sim) store(entity string, r record) {
	list := s.state.Catalog[entity]
	for i, old := range list {
		if old["id"] == r["id"] {
			next := slices.Clone(list)
			next[i] = r
			s.state.Catalog[entity] = next
			return
		}
	}
	s.state.Catalog[entity] = append(slices.Clip(list), r)
}

func (s *Sim) link(entity, a, b string) {
	keys := mappingEntities[entity]
	for _, r := range s.state.Catalog[entity] {
		if r[keys[0]] == a && r[keys[1]] == b {
			return
		}
	}
	s.state.Catalog[entity] = append(slices.Clip(s.state.Catalog[entity]), record{keys[0]: a, keys[1]: b})
}

func (s *Sim) linked(entity, a string) []string {
	keys := mappingEntities[entity]
	var out []string
	for _, r := range s.state.Catalog[entity] {
		if r[keys[0]] == a {
			out = append(out, fmt.Sprint(r[keys[1]]))
		}
	}
	return out
}

// cloneCatalog copies the lists (records are never changed in place).
func cloneCatalog(c map[string][]record) map[string][]record {
	out := make(map[string][]record, len(c))
	for k, v := range c {
		out[k] = slices.Clone(v)
	}
	return out
}

// Rendering. Every object gets its apiAlias and timestamps; associations
// are rendered whole and the search drops what was not asked for.

func (s *Sim) renderRecord(entity string, r record, inherit bool) node {
	n := node{}
	maps.Copy(n, r)
	n["apiAlias"] = entity
	if _, ok := n["createdAt"]; !ok {
		n["createdAt"] = ts(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	switch entity {
	case "product":
		return s.renderProduct(n, inherit, true)
	case "property_group_option":
		if g := s.find("property_group", str(r["groupId"])); g != nil {
			n["group"] = s.renderRecord("property_group", g, false)
		}
		n["translated"] = node{"name": n["name"]}
	case "property_group":
		opts := []any{}
		for _, o := range s.where("property_group_option", "groupId", str(r["id"])) {
			on := node{}
			maps.Copy(on, o)
			on["apiAlias"] = "property_group_option"
			opts = append(opts, on)
		}
		n["options"] = opts
		n["translated"] = node{"name": n["name"]}
	case "category":
		// The real API also sends breadcrumb, the names from the top as a
		// list of strings; the contract types its items object, so the
		// simulator sends only path, the ancestors' ids as Shopware stores
		// them (|top|…|parent|), and level.
		crumb := s.breadcrumb(str(r["id"]))
		if len(crumb) > 1 {
			n["path"] = "|" + strings.Join(crumb[:len(crumb)-1], "|") + "|"
		}
		n["level"] = len(crumb)
		n["translated"] = node{"name": n["name"]}
		n["childCount"] = len(s.where("category", "parentId", str(r["id"])))
	case "product_media":
		if m := s.find("media", str(r["mediaId"])); m != nil {
			n["media"] = s.renderRecord("media", m, false)
		}
	case "sales_channel":
		n["languageId"], n["customerGroupId"], n["currencyId"] = SystemLanguageID, defaultCustomerGroup, DefaultCurrencyID
		n["paymentMethodId"], n["shippingMethodId"], n["countryId"] = defaultPaymentID, defaultShippingID, defaultCountryNL
		n["accessKey"], n["homeEnabled"], n["active"] = "SWSC"+strings.ToUpper(str(r["id"])[:20]), true, true
		n["translated"] = node{"name": n["name"]}
	case "media":
		n["hasFile"] = r["fileName"] != nil && r["uploadedAt"] != nil
		if r["fileName"] != nil {
			n["url"] = fmt.Sprintf("http://localhost/media/%s.%s", r["fileName"], r["fileExtension"])
		}
	}
	return n
}

// inheritedFields are the product fields a variant takes from its parent
// while it has none of its own (research §1.9); rendered so with
// sw-inheritance: 1, as the client asks.
var inheritedFields = []string{"name", "description", "taxId", "price", "active", "isCloseout", "ean", "manufacturerId",
	"metaTitle", "keywords", "coverId"}

func (s *Sim) renderProduct(n node, inherit, withChildren bool) node {
	id := str(n["id"])
	if inherit {
		if parent := s.find("product", str(n["parentId"])); parent != nil {
			for _, f := range inheritedFields {
				if _, own := n[f]; !own && parent[f] != nil {
					n[f] = parent[f]
				}
			}
		}
	}
	n["versionId"] = LiveVersionID
	if stock, ok := n["stock"]; ok {
		n["availableStock"] = stock
		st, _ := numberOf(stock)
		closeout, _ := n["isCloseout"].(bool)
		n["available"] = st > 0 || !closeout
	}
	if name, ok := n["name"]; ok {
		n["translated"] = node{"name": name, "description": n["description"]}
	}
	if t := s.find("tax", str(n["taxId"])); t != nil {
		n["tax"] = s.renderRecord("tax", t, false)
	}
	cats := []any{}
	catIDs := s.linked("product_category", id)
	for _, cid := range catIDs {
		if c := s.find("category", cid); c != nil {
			cats = append(cats, s.renderRecord("category", c, false))
		}
	}
	n["categories"], n["categoryIds"] = cats, orEmpty(catIDs)
	opts := []any{}
	optIDs := s.linked("product_option", id)
	for _, oid := range optIDs {
		if o := s.find("property_group_option", oid); o != nil {
			opts = append(opts, s.renderRecord("property_group_option", o, false))
		}
	}
	n["options"], n["optionIds"] = opts, orEmpty(optIDs)
	props := []any{}
	for _, oid := range s.linked("product_property", id) {
		if o := s.find("property_group_option", oid); o != nil {
			props = append(props, s.renderRecord("property_group_option", o, false))
		}
	}
	n["properties"] = props
	n["visibilities"] = s.renderAll("product_visibility", s.where("product_visibility", "productId", id))
	n["media"] = s.renderAll("product_media", s.where("product_media", "productId", id))
	n["configuratorSettings"] = s.renderAll("product_configurator_setting", s.where("product_configurator_setting", "productId", id))
	if pm := s.find("product_media", str(n["coverId"])); pm != nil {
		n["cover"] = s.renderRecord("product_media", pm, false)
	}
	children := []any{}
	if withChildren {
		for _, c := range s.where("product", "parentId", id) {
			cn := node{}
			maps.Copy(cn, c)
			cn["apiAlias"] = "product"
			children = append(children, s.renderProduct(cn, inherit, false))
		}
	}
	n["children"], n["childCount"] = children, len(s.where("product", "parentId", id))
	return n
}

func (s *Sim) renderAll(entity string, rs []record) []any {
	out := make([]any, 0, len(rs))
	for _, r := range rs {
		out = append(out, s.renderRecord(entity, r, false))
	}
	return out
}

// breadcrumb lists the ids from the top category down to id.
func (s *Sim) breadcrumb(id string) []string {
	var out []string
	for depth := 0; id != "" && depth < 50; depth++ {
		c := s.find("category", id)
		if c == nil {
			break
		}
		out = append([]string{id}, out...)
		id = str(c["parentId"])
	}
	return out
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// Hooks for tests and the demo.

// AddProduct seeds a simple product (or, with variants, a parent with its
// variants, each with the options of its attributes) priced gross in EUR at
// the product's VAT rate, with stock 0 and visible in the storefront. The
// id is derived from the SKU as the connector derives it, so a test sees
// the same ids the client would make.
func (s *Sim) AddProduct(p model.Product) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addProduct(p, shopware6.DeterministicID("product", p.SKU), 0)
}

// addProduct stores a product under id with a stock (lock held).
func (s *Sim) addProduct(p model.Product, id string, stock int64) string {
	tax := s.taxFor(p.VAT)
	gross := p.Price.Amount
	if !p.PriceIncludesVAT {
		gross = divRound(gross*(10000+int64(p.VAT)), 10000)
	}
	net := divRound(gross*10000, 10000+int64(p.VAT))
	r := record{"id": id, "productNumber": p.SKU, "name": p.Name, "stock": json.Number(fmt.Sprint(stock)), "taxId": tax,
		"active": p.Active, "isCloseout": p.ManageStock,
		"price": []any{node{"currencyId": DefaultCurrencyID, "gross": money(gross), "net": money(net), "linked": true}}}
	if p.Description != "" {
		r["description"] = p.Description
	}
	if p.EAN != "" {
		r["ean"] = p.EAN
	}
	s.store("product", r)
	s.store("product_visibility", record{"id": fixtureID("product_visibility", id), "productId": id,
		"salesChannelId": DefaultSalesChannelID, "visibility": json.Number("30")})
	for _, path := range p.Categories {
		parent := HomeCategoryID
		for _, name := range strings.Split(path, " > ") {
			cid := fixtureID("category", parent+"/"+name)
			if s.find("category", cid) == nil {
				s.store("category", record{"id": cid, "parentId": parent, "name": name, "type": "page", "active": true})
			}
			parent = cid
		}
		s.link("product_category", id, parent)
	}
	for _, v := range p.Variants {
		vid := shopware6.DeterministicID("product", v.SKU)
		s.store("product", record{"id": vid, "parentId": id, "productNumber": v.SKU, "stock": json.Number("0")})
		for _, g := range sortedKeys(v.Attributes) {
			gid := fixtureID("property_group", g)
			if s.find("property_group", gid) == nil {
				s.store("property_group", record{"id": gid, "name": g, "displayType": "text", "sortingType": "alphanumeric"})
			}
			oid := fixtureID("property_group_option", g+"/"+v.Attributes[g])
			if s.find("property_group_option", oid) == nil {
				s.store("property_group_option", record{"id": oid, "groupId": gid, "name": v.Attributes[g]})
			}
			s.link("product_option", vid, oid)
			if len(s.where("product_configurator_setting", "id", fixtureID("pcs", id+oid))) == 0 {
				s.store("product_configurator_setting", record{"id": fixtureID("pcs", id+oid), "productId": id, "optionId": oid})
			}
		}
	}
	return id
}

// SeedCatalog puts the demo catalogue (simkit.DemoProducts) in the shop
// under the ids the demo orders' line items refer to, each in its group's
// category below Home, priced incl. VAT and with some stock, so the shop
// sells what its orders hold and a products or stock flow finds them.
func (s *Sim) SeedCatalog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, dp := range simkit.DemoProducts() {
		s.addProduct(model.Product{SKU: dp.SKU, Name: dp.Name, Price: model.NewMoney(dp.PriceCents, "EUR"), PriceIncludesVAT: true,
			VAT: model.VATPercent(dp.VATPercent), Active: true, ManageStock: true, Categories: []string{dp.Group}},
			fixtureID("product", dp.SKU), int64(10+5*i))
	}
}

// taxFor is the id of a tax with the rate, made when there is none.
func (s *Sim) taxFor(rate model.VATRate) string {
	for _, t := range s.list("tax") {
		if r, ok := numberOf(t["taxRate"]); ok && int64(r*100+0.5) == int64(rate) {
			return str(t["id"])
		}
	}
	id := fixtureID("tax", rate.String())
	s.store("tax", record{"id": id, "name": rate.String(), "taxRate": rateNumber(rate)})
	return id
}

// Product renders the product or variant with a product number (every
// association, inherited fields resolved), for tests to inspect.
func (s *Sim) Product(sku string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.list("product") {
		if r["productNumber"] == sku {
			return s.renderRecord("product", r, true), true
		}
	}
	return nil, false
}

// Stock is the stock of a product number.
func (s *Sim) Stock(sku string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.list("product") {
		if r["productNumber"] == sku {
			n, ok := numberOf(r["stock"])
			return int64(n), ok
		}
	}
	return 0, false
}

// Count is the number of records of a catalogue entity ("product", "media").
func (s *Sim) Count(entity string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.state.Catalog[entity])
}

// Records renders every record of a catalogue entity, for tests.
func (s *Sim) Records(entity string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, r := range s.list(entity) {
		out = append(out, s.renderRecord(entity, r, true))
	}
	return out
}

// SetStockOf changes a product's stock as an order would (tests).
func (s *Sim) SetStockOf(sku string, stock int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.list("product") {
		if r["productNumber"] == sku {
			next := maps.Clone(r)
			next["stock"] = json.Number(fmt.Sprint(stock))
			s.store("product", next)
			return nil
		}
	}
	return fmt.Errorf("no product %s", sku)
}

// SetProductNumber changes a product's number, as the Administration does;
// its id stays the one derived from the old number.
func (s *Sim) SetProductNumber(oldSKU, newSKU string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.list("product") {
		if r["productNumber"] == oldSKU {
			next := maps.Clone(r)
			next["productNumber"] = newSKU
			s.store("product", next)
			return nil
		}
	}
	return fmt.Errorf("no product %s", oldSKU)
}
