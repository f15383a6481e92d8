package activities

import (
	"maps"
	"slices"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// ProductRules are the product flow's settings that decide what is written.
type ProductRules struct {
	// UpdateInfo overwrites every field of an existing product; when false
	// only AlwaysSync fields move and the rest keeps the target's values.
	UpdateInfo bool
	AlwaysSync []string
	// Attributes renames attributes from the source's names to the target's.
	Attributes map[string]string
	// Images moves photos; false (the setting is off, or the target takes no
	// photos) keeps what the target has, so they never count as a change.
	Images bool
	// TargetKeeps are the fields (config.ProductFields names) the target
	// stores; nil means all. A field the target has no place for reads back
	// empty, and must not count as a change on every run.
	TargetKeeps []string
}

// ProductPlan is what to do with one product.
type ProductPlan struct {
	Outcome Outcome
	// Write is the product to write (for created and updated).
	Write model.Product
}

// RenameAttributes maps the attribute names of a product and its variants to
// the target's names; a name the table does not list is kept.
func RenameAttributes(p model.Product, names map[string]string) model.Product {
	rename := func(attrs map[string]string) map[string]string {
		if len(attrs) == 0 || len(names) == 0 {
			return attrs
		}
		out := make(map[string]string, len(attrs))
		for k, v := range attrs {
			if to, ok := names[k]; ok {
				k = to
			}
			out[k] = v
		}
		return out
	}
	p.Attributes = rename(p.Attributes)
	p.Variants = slices.Clone(p.Variants)
	for i := range p.Variants {
		p.Variants[i].Attributes = rename(p.Variants[i].Attributes)
	}
	return p
}

// PlanProduct decides create, update or unchanged for a mapped product and
// what an update writes. With UpdateInfo off, an existing product keeps its
// descriptive fields (name, descriptions, categories, images, attributes and
// any field not in AlwaysSync) and only the AlwaysSync fields move; variants
// are matched by SKU, and a variant the target lacks is added whole. Variants
// the target has and the source does not are left alone (never deleted).
func PlanProduct(in model.Product, existing *connectors.TargetProduct, r ProductRules) ProductPlan {
	if existing == nil {
		if !r.Images {
			in = withoutImages(in)
		}
		return ProductPlan{Outcome: OutcomeCreated, Write: in}
	}
	always := map[string]bool{}
	for _, f := range r.AlwaysSync {
		always[f] = true
	}
	merge := func(want, have model.Product) model.Product {
		if r.UpdateInfo {
			if !r.Images {
				want.Images = have.Images
			}
			return want
		}
		out := have
		out.SKU = want.SKU
		for _, f := range productFieldsInOrder {
			if always[f.name] && (f.name != "images" || r.Images) {
				f.copy(&out, want)
			}
		}
		return out
	}
	have := existing.Product
	write := merge(in, have)
	write.Variants = nil
	byVariant := map[string]model.Product{}
	for _, v := range have.Variants {
		byVariant[v.SKU] = v
	}
	seen := map[string]bool{}
	for _, v := range in.Variants {
		seen[v.SKU] = true
		if old, ok := byVariant[v.SKU]; ok {
			write.Variants = append(write.Variants, merge(v, old))
		} else if !r.Images {
			write.Variants = append(write.Variants, withoutImages(v))
		} else {
			write.Variants = append(write.Variants, v)
		}
	}
	for _, v := range have.Variants {
		if !seen[v.SKU] {
			write.Variants = append(write.Variants, v)
		}
	}
	if sameKeptFields(write, have, r.TargetKeeps) {
		return ProductPlan{Outcome: OutcomeUnchanged}
	}
	return ProductPlan{Outcome: OutcomeUpdated, Write: write}
}

type productField struct {
	name string
	copy func(to *model.Product, from model.Product)
	same func(a, b model.Product) bool
}

// productFieldsInOrder are the fields a plan moves, named as in
// config.ProductFields.
var productFieldsInOrder = []productField{
	{"name", func(t *model.Product, f model.Product) { t.Name = f.Name }, func(a, b model.Product) bool { return a.Name == b.Name }},
	{"shortDescription", func(t *model.Product, f model.Product) { t.ShortDescription = f.ShortDescription },
		func(a, b model.Product) bool { return a.ShortDescription == b.ShortDescription }},
	{"description", func(t *model.Product, f model.Product) { t.Description = f.Description },
		func(a, b model.Product) bool { return a.Description == b.Description }},
	{"ean", func(t *model.Product, f model.Product) { t.EAN = f.EAN }, func(a, b model.Product) bool { return a.EAN == b.EAN }},
	{"price", func(t *model.Product, f model.Product) { t.Price, t.PriceIncludesVAT = f.Price, f.PriceIncludesVAT },
		func(a, b model.Product) bool { return PriceInclVAT(a) == PriceInclVAT(b) }},
	{"vat", func(t *model.Product, f model.Product) { t.VAT = f.VAT }, func(a, b model.Product) bool { return a.VAT == b.VAT }},
	{"active", func(t *model.Product, f model.Product) { t.Active = f.Active }, func(a, b model.Product) bool { return a.Active == b.Active }},
	{"manageStock", func(t *model.Product, f model.Product) { t.ManageStock = f.ManageStock },
		func(a, b model.Product) bool { return a.ManageStock == b.ManageStock }},
	{"categories", func(t *model.Product, f model.Product) { t.Categories = slices.Clone(f.Categories) },
		func(w, have model.Product) bool { return hasAll(have.Categories, w.Categories) }},
	{"images", func(t *model.Product, f model.Product) { t.Images = slices.Clone(f.Images) },
		func(w, have model.Product) bool {
			return hasAll(model.ImageNames(have.Images), model.ImageNames(w.Images))
		}},
	{"attributes", func(t *model.Product, f model.Product) { t.Attributes = maps.Clone(f.Attributes) },
		func(a, b model.Product) bool { return maps.Equal(a.Attributes, b.Attributes) }},
}

// SameProduct reports whether writing w would change nothing in have: every
// field equal (prices compared incl. VAT; categories and images present in
// have — a target deletes nothing, so one of its own never counts as a
// change) and every variant of w present and equal in have.
func SameProduct(w, have model.Product) bool { return sameKeptFields(w, have, nil) }

// sameKeptFields is SameProduct over the fields the target keeps (nil: all).
func sameKeptFields(w, have model.Product, keeps []string) bool {
	for _, f := range productFieldsInOrder {
		if keeps != nil && !slices.Contains(keeps, f.name) {
			continue
		}
		if !f.same(w, have) {
			return false
		}
	}
	byVariant := map[string]model.Product{}
	for _, v := range have.Variants {
		byVariant[v.SKU] = v
	}
	for _, v := range w.Variants {
		old, ok := byVariant[v.SKU]
		if !ok || !sameKeptFields(v, old, keeps) {
			return false
		}
	}
	return true
}

// PriceInclVAT is a product's price incl. VAT in minor units, rounded half
// away from zero, so two systems that keep prices differently compare.
func PriceInclVAT(p model.Product) int64 {
	if p.PriceIncludesVAT {
		return p.Price.Amount
	}
	num := p.Price.Amount * (10000 + int64(p.VAT))
	if num >= 0 {
		return (num + 5000) / 10000
	}
	return -((-num + 5000) / 10000)
}

// hasAll reports whether have holds every element of want.
func hasAll(have, want []string) bool {
	for _, x := range want {
		if !slices.Contains(have, x) {
			return false
		}
	}
	return true
}

func withoutImages(p model.Product) model.Product {
	p.Images = nil
	p.Variants = slices.Clone(p.Variants)
	for i := range p.Variants {
		p.Variants[i].Images = nil
	}
	return p
}
