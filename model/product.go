package model

import (
	"sort"
	"strings"
)

// Product is a sellable item; a product with Variants is configurable and each
// variant carries its own SKU, EAN, price and stock.
type Product struct {
	SKU              string `json:"sku"`
	Name             string `json:"name"`
	ShortDescription string `json:"shortDescription,omitempty"`
	Description      string `json:"description,omitempty"`
	EAN              string `json:"ean,omitempty"`
	// Price is the sell price, incl. or excl. VAT as PriceIncludesVAT says;
	// its Currency is the product's currency.
	Price            Money   `json:"price"`
	PriceIncludesVAT bool    `json:"priceIncludesVat"`
	VAT              VATRate `json:"vat"`
	Active           bool    `json:"active"`
	// ManageStock says the system keeps stock for this product.
	ManageStock bool `json:"manageStock"`
	// Categories are category names; a name with " > " is a path from the
	// top category down ("Coffee > Beans").
	Categories []string `json:"categories,omitempty"`
	Images     []Image  `json:"images,omitempty"`
	// Attributes are a variant's options (Size: M, Colour: red), by the
	// attribute names of the system the product came from.
	Attributes map[string]string `json:"attributes,omitempty"`
	Variants   []Product         `json:"variants,omitempty"`
}

// Image is a product photo. Data holds the file itself when the source
// delivers it (a target that uploads photos needs it); Name tells photos
// apart, so one already in the target is not uploaded again.
type Image struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
	Data []byte `json:"data,omitempty"`
	Main bool   `json:"main,omitempty"`
}

// ImageNames lists the photos' names, in order.
func ImageNames(images []Image) []string {
	out := make([]string, len(images))
	for i, im := range images {
		out[i] = im.Name
	}
	return out
}

// AllSKUs lists the SKU of the product and of each of its variants.
func (p Product) AllSKUs() []string {
	out := make([]string, 0, 1+len(p.Variants))
	if p.SKU != "" {
		out = append(out, p.SKU)
	}
	for _, v := range p.Variants {
		if v.SKU != "" {
			out = append(out, v.SKU)
		}
	}
	return out
}

// StockLevel is the stock of one SKU at one location.
type StockLevel struct {
	SKU      string `json:"sku"`
	Location string `json:"location,omitempty"`
	// Physical is what is on the shelf; Available what may be sold (systems
	// that keep one figure report it in both); Reserved what open sales orders
	// hold.
	Physical  Quantity `json:"physical"`
	Available Quantity `json:"available"`
	Reserved  Quantity `json:"reserved"`
}

// VariantProblems lists what makes a product's variants impossible to tell
// apart in any target: a variant without a SKU, a SKU used twice (the
// product's own included), two variants with the same attribute values
// (compared without regard to case and order).
func (p Product) VariantProblems() []string {
	var problems []string
	seen := map[string]bool{strings.TrimSpace(p.SKU): true}
	combos := map[string]string{}
	for i, v := range p.Variants {
		sku := strings.TrimSpace(v.SKU)
		switch {
		case sku == "":
			problems = append(problems, "variant "+itoa(i+1)+" has no SKU")
		case seen[sku]:
			problems = append(problems, `SKU "`+sku+`" is used twice`)
		}
		seen[sku] = true
		if len(v.Attributes) == 0 {
			continue
		}
		key := AttributeKey(v.Attributes)
		if other, dup := combos[key]; dup {
			problems = append(problems, "variants "+other+" and "+sku+" have the same attribute values")
		}
		combos[key] = sku
	}
	return problems
}

// AttributeKey identifies a set of attribute values regardless of case,
// surrounding spaces and order.
func AttributeKey(attrs map[string]string) string {
	parts := make([]string, 0, len(attrs))
	for k, v := range attrs {
		parts = append(parts, strings.ToLower(strings.TrimSpace(k))+"="+strings.ToLower(strings.TrimSpace(v)))
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x00")
}
