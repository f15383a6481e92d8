package sim

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// HTTP handlers of products and what belongs to them. Each runs with s.mu held.

const dateTime = "2006-01-02T15:04:05Z"

func notFound(kind, id string) reply {
	return fail(http.StatusNotFound, "404.30", fmt.Sprintf("%s %s does not exist", kind, id))
}

func parseID(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func (s *Sim) findProduct(id string) *product { return s.state.Catalog.product(parseID(id)) }

// expansions reads `expand`: the product sub-resources to put inline.
func expansions(q url.Values) (map[string]bool, reply, bool) {
	out := map[string]bool{}
	for _, e := range strings.Split(q.Get("expand"), ",") {
		switch e = strings.TrimSpace(e); e {
		case "":
		case "attributecombinations", "producttocategories", "productphotos":
			out[e] = true
		case "productattributesets", "productkeywords", "productstaggeredprices", "productvariants", "productvideos", "producttaxtariffexceptions":
			// real sub-resources the simulator does not hold: left as links
		default:
			return nil, fail(http.StatusBadRequest, "400.10", fmt.Sprintf("expand %q is not a sub-resource of products", e)), false
		}
	}
	return out, reply{}, true
}

// sortBy orders records by `orderby` (a field or field_desc); ties keep id order.
func sortBy[T any](list []T, orderBy string, keys map[string]func(a, b T) int) (reply, bool) {
	field, desc := strings.CutSuffix(orderBy, "_desc")
	if field == "" {
		field = "id"
	}
	less, known := keys[field]
	if !known {
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		slices.Sort(names)
		return fail(http.StatusBadRequest, "400.10", fmt.Sprintf("orderby %q is not one of %s (with an optional _desc)", orderBy, strings.Join(names, ", "))), false
	}
	slices.SortStableFunc(list, less)
	if desc {
		slices.Reverse(list)
	}
	return reply{}, true
}

var productOrder = map[string]func(a, b *product) int{
	"id":         func(a, b *product) int { return cmp.Compare(a.ID, b.ID) },
	"name":       func(a, b *product) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) },
	"createdate": func(a, b *product) int { return a.Created.Compare(b.Created) },
	"modifydate": func(a, b *product) int { return a.Modified.Compare(b.Modified) },
}

func (s *Sim) listProducts(r *http.Request, _ []string, _ []byte) reply {
	q := r.URL.Query()
	pg, good := s.paging(q)
	if !good {
		return badPaging
	}
	expand, rep, good := expansions(q)
	if !good {
		return rep
	}
	active, hasActive := parseBool(q.Get("active"))
	var list []*product
	for _, p := range s.state.Catalog.Products {
		switch {
		case q.Has("productnumber") && p.Number != q.Get("productnumber"),
			q.Has("eannumber") && p.EAN != q.Get("eannumber"),
			hasActive && p.Active != active:
			continue
		}
		list = append(list, p)
	}
	slices.SortFunc(list, productOrder["id"])
	if rep, good := sortBy(list, q.Get("orderby"), productOrder); !good {
		return rep
	}
	return ok(page(r, pg, list, func(p *product) any { return s.productJSON(r, p, expand) }))
}

func (s *Sim) getProduct(r *http.Request, ids []string, _ []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	expand, rep, good := expansions(r.URL.Query())
	if !good {
		return rep
	}
	return ok(s.productJSON(r, p, expand))
}

// checkProduct validates a product body's values beyond their types.
func (s *Sim) checkProduct(obj map[string]any) (reply, bool) {
	for _, f := range []string{"price", "discount", "purchaseprice", "container_deposit_price", "safety_deposit_price"} {
		if v, set := obj[f]; set && v != nil {
			if _, good := cents(v); !good {
				return invalid("property %q is not an amount", f), false
			}
		}
	}
	if v, set := obj["stock"]; set && v != nil {
		if _, good := qty(v); !good {
			return invalid("property \"stock\" is not a quantity"), false
		}
	}
	if t, set := obj["taxtariff"]; set && t != nil {
		if _, known := s.o.TaxTariffs[str(t)]; !known {
			return invalid("taxtariff %q is not one of the shop's tax tariffs", str(t)), false
		}
	}
	if v, set := obj["vatrate"]; set && v != nil {
		if _, err := model.ParseMinor(string(v.(json.Number)), 2); err != nil {
			return invalid("property \"vatrate\" is not a percentage"), false
		}
	}
	if t, set := obj["stock_delivery_type"]; set && t != nil && !slices.Contains(deliveryTypes, str(t)) {
		return invalid("stock_delivery_type %q is not one of %s", str(t), strings.Join(deliveryTypes, ", ")), false
	}
	if t, set := obj["stocktype"]; set && t != nil && str(t) != StockTypeProduct && str(t) != StockTypeCombination {
		return invalid("stocktype %q is not one of %s, %s", str(t), StockTypeProduct, StockTypeCombination), false
	}
	if v, set := obj["package_id"]; set && v != nil && integer(v) <= 0 {
		return invalid("package_id %s is not a package", v), false
	}
	return reply{}, true
}

// applyProduct writes a checked body onto a product.
func (s *Sim) applyProduct(p *product, obj map[string]any) {
	if v, set := obj["vatrate"]; set && v != nil {
		r, _ := model.ParseMinor(string(v.(json.Number)), 2)
		p.VAT, p.TaxTariff = model.VATRate(r), s.tariffFor(model.VATRate(r))
	}
	for k, v := range obj {
		switch k {
		case "productnumber":
			p.Number = str(v)
		case "eannumber":
			p.EAN = str(v)
		case "name":
			p.Name = str(v)
		case "shortdescription":
			p.Short = str(v)
		case "description":
			p.Description = str(v)
		case "price":
			p.Price, _ = cents(v)
		case "discount":
			p.Discount, _ = cents(v)
		case "vatrate":
		case "taxtariff":
			if v != nil {
				p.TaxTariff = str(v)
				p.VAT = s.o.TaxTariffs[p.TaxTariff]
			}
		case "active":
			p.Active = v == true
		case "stockenabled":
			p.StockEnabled = v == true
		case "stocktype":
			p.StockType = str(v)
		case "stock":
			p.Stock, _ = qty(v)
		case "package_id":
			p.PackageID = integer(v)
		default:
			if p.Fields == nil {
				p.Fields = map[string]any{}
			}
			p.Fields[k] = v
		}
	}
	s.touch(p)
}

func (s *Sim) createProduct(r *http.Request, _ []string, body []byte) reply {
	obj, rep, good := object(body, productFields, "products", "name", "price", "discount", "package_id", "taxtariff|vatrate")
	if !good {
		return rep
	}
	if str(obj["name"]) == "" {
		return invalid("property \"name\" must not be empty")
	}
	if rep, good := s.checkProduct(obj); !good {
		return rep
	}
	c := &s.state.Catalog
	p := &product{ID: c.next(), Active: true, StockType: StockTypeProduct}
	s.applyProduct(p, obj)
	p.Created = p.Modified
	c.Products = append(c.Products, p)
	s.queue(queued{event: eventProductCreated, id: p.ID})
	return created(s.productJSON(r, p, nil))
}

func (s *Sim) patchProduct(_ *http.Request, ids []string, body []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	obj, rep, good := object(body, productFields, "products")
	if !good {
		return rep
	}
	if v, set := obj["name"]; set && str(v) == "" {
		return invalid("property \"name\" must not be empty")
	}
	if rep, good := s.checkProduct(obj); !good {
		return rep
	}
	s.applyProduct(p, obj)
	return noContent()
}

func (s *Sim) listProductCombinations(r *http.Request, ids []string, _ []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, p.Combos, func(cb *combo) any { return s.comboJSON(r, p, cb) }))
}

func (s *Sim) getCombination(r *http.Request, ids []string, _ []byte) reply {
	p, cb := s.state.Catalog.combo(parseID(ids[0]))
	if cb == nil {
		return notFound("attribute combination", ids[0])
	}
	return ok(s.comboJSON(r, p, cb))
}

func (s *Sim) patchCombination(_ *http.Request, ids []string, body []byte) reply {
	p, cb := s.state.Catalog.combo(parseID(ids[0]))
	if cb == nil {
		return notFound("attribute combination", ids[0])
	}
	obj, rep, good := object(body, combinationFields, "attributecombinations")
	if !good {
		return rep
	}
	if v, set := obj["stock"]; set && v != nil {
		if _, good := qty(v); !good {
			return invalid("property \"stock\" is not a quantity")
		}
	}
	if t, set := obj["delivery_time_type"]; set && t != nil && !slices.Contains(deliveryTypes, str(t)) {
		return invalid("delivery_time_type %q is not one of %s", str(t), strings.Join(deliveryTypes, ", "))
	}
	for k, v := range obj {
		switch k {
		case "sku_number":
			cb.SKU = str(v)
		case "ean_number":
			cb.EAN = str(v)
		case "product_number":
			cb.Number = str(v)
		case "note":
			cb.Note = str(v)
		case "stock":
			cb.Stock, _ = qty(v)
		case "active":
			cb.Active = v == true
		default:
			if cb.Fields == nil {
				cb.Fields = map[string]any{}
			}
			cb.Fields[k] = v
		}
	}
	s.touch(p)
	return noContent()
}

func (s *Sim) listProductLinks(r *http.Request, ids []string, _ []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, s.linksOf(p), func(l *link) any { return linkJSON(r, l) }))
}

func (s *Sim) linksOf(p *product) []*link {
	var out []*link
	for _, l := range s.state.Catalog.Links {
		if l.ProductID == p.ID {
			out = append(out, l)
		}
	}
	return out
}

func (s *Sim) createLink(r *http.Request, _ []string, body []byte) reply {
	obj, rep, good := object(body, linkFields, "producttocategories", "product_id", "category_id")
	if !good {
		return rep
	}
	c := &s.state.Catalog
	p, cat := c.product(integer(obj["product_id"])), c.category(integer(obj["category_id"]))
	switch {
	case p == nil:
		return invalid("product_id %s is not a product", obj["product_id"])
	case cat == nil:
		return invalid("category_id %s is not a category", obj["category_id"])
	}
	for _, l := range c.Links {
		if l.ProductID == p.ID && l.CategoryID == cat.ID {
			return fail(http.StatusUnprocessableEntity, "422.40", fmt.Sprintf("property already exists: product %d is in category %d", p.ID, cat.ID))
		}
	}
	l := &link{ID: c.next(), ProductID: p.ID, CategoryID: cat.ID, Position: int(integer(obj["position"]))}
	c.Links = append(c.Links, l)
	s.touch(p)
	return created(linkJSON(r, l))
}

func (s *Sim) listPhotos(r *http.Request, ids []string, _ []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, p.Photos, func(ph photo) any { return photoJSON(r, p, ph) }))
}

func (s *Sim) createPhoto(r *http.Request, ids []string, body []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	obj, rep, good := object(body, photoFields, "productphotos", "file_type", "source")
	if !good {
		return rep
	}
	fileType := strings.ToLower(str(obj["file_type"]))
	if !slices.Contains([]string{"jpg", "jpeg", "png", "gif", "webp"}, fileType) {
		return invalid("file_type %q is not a photo type (jpg, jpeg, png, gif, webp)", fileType)
	}
	src := str(obj["source"])
	if strings.HasPrefix(src, "data:") {
		return invalid("property \"source\" must be base64 without the data: prefix")
	}
	data, err := base64.StdEncoding.DecodeString(src)
	if err != nil || len(data) == 0 {
		return invalid("property \"source\" is not base64")
	}
	ph := s.addPhoto(p, str(obj["alttext"]), fileType, obj["is_mainphoto"] == true, len(data), "")
	s.touch(p)
	return created(photoJSON(r, p, ph))
}

func (s *Sim) listProductValues(r *http.Request, ids []string, _ []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, p.Values, func(pv productValue) any { return s.productValueJSON(r, pv) }))
}

func (s *Sim) createProductValue(r *http.Request, ids []string, body []byte) reply {
	p := s.findProduct(ids[0])
	if p == nil {
		return notFound("product", ids[0])
	}
	obj, rep, good := object(body, productValueFields, "productattributevalues", "optionvalue", "price")
	if !good {
		return rep
	}
	c := &s.state.Catalog
	vid := integer(obj["optionvalue"])
	if a, _ := c.value(vid); a == nil {
		return invalid("optionvalue %d is not an attribute value", vid)
	}
	if slices.ContainsFunc(p.Values, func(pv productValue) bool { return pv.ValueID == vid }) {
		return fail(http.StatusUnprocessableEntity, "422.40", fmt.Sprintf("property already exists: value %d is linked to product %d", vid, p.ID))
	}
	price, good := cents(obj["price"])
	if !good {
		return invalid("property \"price\" is not an amount")
	}
	pv := productValue{ID: c.next(), ValueID: vid, Price: price, Position: cmp.Or(int(integer(obj["position"])), len(p.Values)+1)}
	p.Values = append(p.Values, pv)
	before := map[int64]bool{}
	for _, cb := range p.Combos {
		before[cb.ID] = true
	}
	c.regenerate(p)
	if v, set := obj["stock"]; set && v != nil {
		// "Attribute combinations generated after the post will have this stock amount."
		q, _ := qty(v)
		for _, cb := range p.Combos {
			if !before[cb.ID] {
				cb.Stock = q
			}
		}
	}
	s.touch(p)
	return created(s.productValueJSON(r, pv))
}

func (s *Sim) patchProductValue(_ *http.Request, ids []string, body []byte) reply {
	id := parseID(ids[0])
	for _, p := range s.state.Catalog.Products {
		for i := range p.Values {
			if p.Values[i].ID != id {
				continue
			}
			obj, rep, good := object(body, map[string]kind{"price": kDecimal, "position": kInteger, "enable": kBool}, "productattributevalues")
			if !good {
				return rep
			}
			if v, set := obj["price"]; set && v != nil {
				price, good := cents(v)
				if !good {
					return invalid("property \"price\" is not an amount")
				}
				p.Values[i].Price = price
			}
			if v, set := obj["position"]; set && v != nil {
				p.Values[i].Position = int(integer(v))
			}
			s.touch(p)
			return noContent()
		}
	}
	return notFound("product attribute value", ids[0])
}

var categoryOrder = map[string]func(a, b *category) int{
	"id":       func(a, b *category) int { return cmp.Compare(a.ID, b.ID) },
	"name":     func(a, b *category) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) },
	"position": func(a, b *category) int { return cmp.Compare(a.Position, b.Position) },
}

func (s *Sim) listCategories(r *http.Request, _ []string, _ []byte) reply {
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	list := slices.Clone(s.state.Catalog.Categories)
	slices.SortFunc(list, categoryOrder["id"])
	if rep, good := sortBy(list, r.URL.Query().Get("orderby"), categoryOrder); !good {
		return rep
	}
	return ok(page(r, pg, list, func(cat *category) any { return categoryJSON(r, cat) }))
}

func (s *Sim) getCategory(r *http.Request, ids []string, _ []byte) reply {
	cat := s.state.Catalog.category(parseID(ids[0]))
	if cat == nil {
		return notFound("category", ids[0])
	}
	return ok(categoryJSON(r, cat))
}

func (s *Sim) createCategory(r *http.Request, _ []string, body []byte) reply {
	obj, rep, good := object(body, categoryFields, "categories", "name")
	if !good {
		return rep
	}
	c := &s.state.Catalog
	name := strings.TrimSpace(str(obj["name"]))
	if name == "" {
		return invalid("property \"name\" must not be empty")
	}
	parent := integer(obj["parentcategory_id"])
	if parent != 0 && c.category(parent) == nil {
		return invalid("parentcategory_id %d is not a category", parent)
	}
	cat := &category{ID: c.next(), Parent: parent, Name: name, Position: cmp.Or(int(integer(obj["position"])), len(c.Categories)+1)}
	c.Categories = append(c.Categories, cat)
	return created(categoryJSON(r, cat))
}

func (s *Sim) listAttributes(r *http.Request, _ []string, _ []byte) reply {
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, s.state.Catalog.Attributes, func(a *attribute) any { return attributeJSON(r, a) }))
}

func (s *Sim) getAttribute(r *http.Request, ids []string, _ []byte) reply {
	a := s.state.Catalog.attribute(parseID(ids[0]))
	if a == nil {
		return notFound("attribute", ids[0])
	}
	return ok(attributeJSON(r, a))
}

func (s *Sim) createAttribute(r *http.Request, _ []string, body []byte) reply {
	obj, rep, good := object(body, attributeFields, "attributes", "name")
	if !good {
		return rep
	}
	name := strings.TrimSpace(str(obj["name"]))
	if name == "" {
		return invalid("property \"name\" must not be empty")
	}
	t := cmp.Or(str(obj["type"]), "option_menu")
	if !slices.Contains(attributeTypes, t) {
		return invalid("type %q is not one of %s", t, strings.Join(attributeTypes, ", "))
	}
	c := &s.state.Catalog
	a := &attribute{ID: c.next(), Name: name, Type: t}
	c.Attributes = append(c.Attributes, a)
	return created(attributeJSON(r, a))
}

func (s *Sim) listValues(r *http.Request, ids []string, _ []byte) reply {
	a := s.state.Catalog.attribute(parseID(ids[0]))
	if a == nil {
		return notFound("attribute", ids[0])
	}
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, a.Values, func(v value) any { return valueJSON(r, a, v) }))
}

func (s *Sim) createValue(r *http.Request, ids []string, body []byte) reply {
	a := s.state.Catalog.attribute(parseID(ids[0]))
	if a == nil {
		return notFound("attribute", ids[0])
	}
	obj, rep, good := object(body, valueFields, "attributevalues", "name")
	if !good {
		return rep
	}
	name := strings.TrimSpace(str(obj["name"]))
	if name == "" {
		return invalid("property \"name\" must not be empty")
	}
	price := int64(0)
	if v, set := obj["default_price"]; set && v != nil {
		if price, good = cents(v); !good {
			return invalid("property \"default_price\" is not an amount")
		}
	}
	v := value{ID: s.state.Catalog.next(), Name: name, DefaultPrice: price}
	a.Values = append(a.Values, v)
	return created(valueJSON(r, a, v))
}

func (s *Sim) listWebshops(r *http.Request, _ []string, _ []byte) reply {
	shop := map[string]any{"id": 1, "href": href(r, "/webshops/1/"), "name": "Simulated shop", "is_multishop_system": false,
		"product_limit": -1, "product_limit_left": -1, "api_root": origin(r) + "/api/rest/v1/"}
	return ok(collection(r, simkit.Page{Size: s.o.DefaultPageSize}, 1, []any{shop}))
}

func (s *Sim) getSettings(r *http.Request, ids []string, _ []byte) reply {
	if ids[0] != "1" {
		return notFound("webshop", ids[0])
	}
	var statuses []any
	for code, label := range statusLabels[1:] {
		statuses = append(statuses, map[string]any{"id": code + 1, "label": label})
	}
	return ok(map[string]any{
		"href": href(r, "/webshops/1/settings/"), "webshop_enabled": true, "currency": s.o.Currency,
		"prices_include_vat": !s.o.PricesExcludeVAT, "stock": true, "ordering_without_stock": "global_setting",
		"backend_language": "nl", "languages": []string{"nl"}, "order_status": statuses,
	})
}
