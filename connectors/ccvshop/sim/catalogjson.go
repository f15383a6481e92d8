package sim

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/koppel/koppel/model"
)

// JSON of products and what belongs to them, with the API's names
// (research §1.6.6–1.6.8).

func cents2(v int64) json.Number { return json.Number(model.FormatMinor(v, 2)) }

func quantityJSON(q model.Quantity) json.Number { return json.Number(q.String()) }

// sub is a sub-resource: a link, or with expand the items inline.
func sub(link string, expand bool, items func() []any) map[string]any {
	if !expand {
		return map[string]any{"href": link}
	}
	list := items()
	if list == nil {
		list = []any{}
	}
	return map[string]any{"href": link, "items": list}
}

func (s *Sim) productJSON(r *http.Request, p *product, expand map[string]bool) map[string]any {
	self := fmt.Sprintf("/products/%d/", p.ID)
	var tariff any
	if p.TaxTariff != "" {
		tariff = p.TaxTariff
	}
	out := map[string]any{
		"id":                     p.ID,
		"href":                   href(r, self),
		"is_active":              p.Active,
		"createdate":             p.Created.UTC().Format(dateTime),
		"modifydate":             p.Modified.UTC().Format(dateTime),
		"productnumber":          p.Number,
		"eannumber":              p.EAN,
		"mpnnumber":              "",
		"is_multishop_product":   false,
		"name":                   p.Name,
		"shortdescription":       p.Short,
		"description":            p.Description,
		"vatrate":                json.Number(model.FormatMinor(int64(p.VAT), 2)),
		"taxtariff":              tariff,
		"price":                  cents2(p.Price),
		"discount":               cents2(p.Discount),
		"purchaseprice":          cents2(0),
		"unit":                   "",
		"stockenabled":           p.StockEnabled,
		"stocktype":              p.StockType,
		"stock":                  quantityJSON(p.Stock),
		"stocklocation":          "",
		"ordering_without_stock": "global_setting",
		"weight":                 0,
		"package_id":             p.PackageID,
		"memo":                   "",
		"deeplink":               fmt.Sprintf("%s/product/%d", origin(r), p.ID),
		"productmainphoto":       nil,
		"productphotos": sub(href(r, self+"productphotos/"), expand["productphotos"], func() []any {
			var out []any
			for _, ph := range p.Photos {
				out = append(out, photoJSON(r, p, ph))
			}
			return out
		}),
		"attributecombinations": sub(href(r, self+"attributecombinations/"), expand["attributecombinations"], func() []any {
			var out []any
			for _, cb := range p.Combos {
				out = append(out, s.comboJSON(r, p, cb))
			}
			return out
		}),
		"producttocategories": sub(href(r, self+"producttocategories/"), expand["producttocategories"], func() []any {
			var out []any
			for _, l := range s.linksOf(p) {
				out = append(out, linkJSON(r, l))
			}
			return out
		}),
		"productattributevalues": map[string]any{"href": href(r, self+"productattributevalues/")},
	}
	for k, v := range p.Fields {
		out[k] = v
	}
	for _, ph := range p.Photos {
		if ph.Main {
			out["productmainphoto"] = photoJSON(r, p, ph)["deeplink"]
		}
	}
	return out
}

func (s *Sim) comboJSON(r *http.Request, p *product, cb *combo) map[string]any {
	parts := []any{}
	c := &s.state.Catalog
	for _, vid := range cb.ValueIDs {
		a, v := c.value(vid)
		extra := int64(0)
		for _, pv := range p.Values {
			if pv.ValueID == vid {
				extra = pv.Price
			}
		}
		parts = append(parts, map[string]any{
			"attribute":       map[string]any{"id": a.ID, "name": a.Name, "href": href(r, fmt.Sprintf("/attributes/%d/", a.ID))},
			"attribute_value": map[string]any{"id": v.ID, "name": v.Name, "href": href(r, fmt.Sprintf("/attributevalues/%d/", v.ID))},
			"extra_price":     cents2(extra),
		})
	}
	out := map[string]any{
		"id":                         cb.ID,
		"href":                       href(r, fmt.Sprintf("/attributecombinations/%d/", cb.ID)),
		"product_id":                 p.ID,
		"note":                       cb.Note,
		"stock":                      quantityJSON(cb.Stock),
		"netto_extra_price":          cents2(p.extraPrice(cb)),
		"ordering_without_stock":     "global_setting",
		"product_number":             cb.Number,
		"ean_number":                 cb.EAN,
		"sku_number":                 cb.SKU,
		"delivery_time":              0,
		"delivery_time_type":         "unknown",
		"delivery_default_text":      "",
		"active":                     cb.Active,
		"combination":                parts,
		"attributecombinationphotos": map[string]any{"href": href(r, fmt.Sprintf("/attributecombinations/%d/attributecombinationphotos/", cb.ID))},
		"parent":                     map[string]any{"href": href(r, fmt.Sprintf("/products/%d/", p.ID))},
	}
	for k, v := range cb.Fields {
		out[k] = v
	}
	return out
}

func linkJSON(r *http.Request, l *link) map[string]any {
	return map[string]any{
		"id":            l.ID,
		"href":          href(r, fmt.Sprintf("/producttocategories/%d/", l.ID)),
		"position":      l.Position,
		"product_id":    l.ProductID,
		"category_id":   l.CategoryID,
		"product_href":  href(r, fmt.Sprintf("/products/%d/", l.ProductID)),
		"category_href": href(r, fmt.Sprintf("/categories/%d/", l.CategoryID)),
	}
}

func photoJSON(r *http.Request, p *product, ph photo) map[string]any {
	return map[string]any{
		"id":           ph.ID,
		"href":         href(r, fmt.Sprintf("/productphotos/%d/", ph.ID)),
		"filename":     ph.Filename,
		"alttext":      ph.Alttext,
		"is_mainphoto": ph.Main,
		"file_type":    ph.FileType,
		"deeplink":     fmt.Sprintf("%s/Files/photos/%s", origin(r), ph.Filename),
		"parent":       map[string]any{"href": href(r, fmt.Sprintf("/products/%d/", p.ID))},
	}
}

func (s *Sim) productValueJSON(r *http.Request, pv productValue) map[string]any {
	a, v := s.state.Catalog.value(pv.ValueID)
	return map[string]any{
		"id":               pv.ID,
		"href":             href(r, fmt.Sprintf("/productattributevalues/%d/", pv.ID)),
		"optionid":         a.ID,
		"optionname":       a.Name,
		"optionposition":   1,
		"optionvalue_id":   v.ID,
		"optionvalue_name": v.Name,
		"position":         pv.Position,
		"price":            cents2(pv.Price),
		"enable":           true,
	}
}

func categoryJSON(r *http.Request, cat *category) map[string]any {
	var parent any
	if cat.Parent != 0 {
		parent = map[string]any{"id": cat.Parent, "href": href(r, fmt.Sprintf("/categories/%d/", cat.Parent))}
	}
	return map[string]any{
		"id":                  cat.ID,
		"href":                href(r, fmt.Sprintf("/categories/%d/", cat.ID)),
		"name":                cat.Name,
		"description":         "",
		"position":            cat.Position,
		"show_on_website":     true,
		"parentcategory":      parent,
		"categories":          map[string]any{"href": href(r, fmt.Sprintf("/categories/%d/categories/", cat.ID))},
		"producttocategories": map[string]any{"href": href(r, fmt.Sprintf("/categories/%d/producttocategories/", cat.ID))},
		"deeplink":            fmt.Sprintf("%s/category/%d", origin(r), cat.ID),
	}
}

func attributeJSON(r *http.Request, a *attribute) map[string]any {
	return map[string]any{
		"id":              a.ID,
		"href":            href(r, fmt.Sprintf("/attributes/%d/", a.ID)),
		"name":            a.Name,
		"type":            a.Type,
		"attributevalues": map[string]any{"href": href(r, fmt.Sprintf("/attributes/%d/attributevalues/", a.ID))},
	}
}

func valueJSON(r *http.Request, a *attribute, v value) map[string]any {
	return map[string]any{
		"id":            v.ID,
		"href":          href(r, fmt.Sprintf("/attributevalues/%d/", v.ID)),
		"name":          v.Name,
		"default_price": cents2(v.DefaultPrice),
		"attribute_id":  a.ID,
	}
}
