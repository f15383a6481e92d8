package activities

import (
	"context"
	"fmt"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// SyncProductPage lists one page of changed products from the flow's source
// and creates or updates each in its target by SKU. The products never leave
// the activity (only their SKUs and outcomes do), so a page of any size stays
// far from Temporal's payload limits.
func (a *Activities) SyncProductPage(ctx context.Context, in PageInput) (PageResult, error) {
	f, err := a.productFlow(in.Integration)
	if err != nil {
		return PageResult{}, err
	}
	page, err := f.From.ListChangedProducts(ctx, in.Query)
	if err != nil {
		return PageResult{}, toTemporal(err)
	}
	res := PageResult{NextPageToken: page.NextPageToken, Cursor: page.Cursor}
	keys := make([]string, len(page.Products))
	for i, p := range page.Products {
		keys[i] = p.Product.SKU
	}
	return eachRecord(ctx, keys, res, func(i int) (RecordResult, error) {
		return a.syncProduct(ctx, f, page.Products[i])
	})
}

func (a *Activities) syncProduct(ctx context.Context, f *ProductFlow, sp connectors.SourceProduct) (RecordResult, error) {
	rec := RecordResult{Key: sp.Product.SKU}
	if strings.TrimSpace(sp.Product.SKU) == "" {
		return rec, badRecord("the product %q has no SKU in %s; products are matched by SKU, so give it one", sp.Product.Name, f.FromName)
	}
	ok, err := f.Filter.MatchProduct(sp.Product, sp.Raw)
	if err != nil {
		return rec, badRecord("%v", err)
	}
	if !ok {
		rec.Outcome = OutcomeFiltered
		return rec, nil
	}
	mapped, extra, variantExtras, err := f.Mapper.ApplyProduct(sp.Product, sp.Raw, sp.RawVariants)
	if err != nil {
		return rec, err
	}
	mapped = RenameAttributes(mapped, f.Settings.Attributes)
	rec.Key = mapped.SKU
	for _, v := range mapped.Variants {
		if strings.TrimSpace(v.SKU) == "" {
			return rec, badRecord("a variant of %s has no SKU in %s; variants are matched by SKU", mapped.SKU, f.FromName)
		}
	}
	existing, err := findProduct(ctx, f.To, mapped)
	if err != nil {
		return rec, err
	}
	plan := PlanProduct(mapped, existing, ProductRules{
		UpdateInfo: f.Settings.UpdateProductInfo, AlwaysSync: f.Settings.AlwaysSync,
		Attributes: f.Settings.Attributes, Images: f.Images, TargetKeeps: f.TargetKeeps,
	})
	rec.Outcome = plan.Outcome
	w := connectors.ProductWrite{
		Product: plan.Write, Extra: textFields(extra), VariantExtra: variantFields(mapped, variantExtras),
		CreateCategories: f.Settings.CreatesCategories(), WriteImages: f.Images,
	}
	switch plan.Outcome {
	case OutcomeCreated:
		id, err := f.To.CreateProduct(ctx, w)
		if err != nil {
			return rec, err
		}
		rec.Detail = fmt.Sprintf("created as %s in %s", id, f.ToName)
	case OutcomeUpdated:
		if err := f.To.UpdateProduct(ctx, existing.ID, w); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// findProduct finds the target's product by the product's SKU, else by a
// variant's: a target whose products have no code of their own (MplusKASSA
// keeps codes on the articles) knows a configurable product by its variants.
func findProduct(ctx context.Context, to connectors.ProductTarget, p model.Product) (*connectors.TargetProduct, error) {
	if m, ok := to.(connectors.ProductMatcher); ok {
		return m.FindProductFor(ctx, p)
	}
	found, err := to.FindProduct(ctx, p.SKU)
	for _, v := range p.Variants {
		if found != nil || err != nil {
			break
		}
		found, err = to.FindProduct(ctx, v.SKU)
	}
	return found, err
}

func (a *Activities) productFlow(name string) (*ProductFlow, error) {
	rt, err := a.integration(name)
	if err != nil {
		return nil, err
	}
	if rt.Products == nil {
		return nil, configError(fmt.Errorf("integration %q has no enabled products flow in this worker's integration file", name))
	}
	return rt.Products, nil
}

// textFields renders the custom fields of mapping rules as text, the form
// every target takes them in.
func textFields(extra map[string]any) map[string]string {
	if len(extra) == 0 {
		return nil
	}
	out := make(map[string]string, len(extra))
	for k, v := range extra {
		if v == nil {
			out[k] = ""
			continue
		}
		out[k] = fmt.Sprint(v)
	}
	return out
}

// variantFields keys the variants' custom fields by variant SKU.
func variantFields(p model.Product, extras []map[string]any) map[string]map[string]string {
	out := map[string]map[string]string{}
	for i, x := range extras {
		if i < len(p.Variants) && len(x) > 0 {
			out[p.Variants[i].SKU] = textFields(x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
