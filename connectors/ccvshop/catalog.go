package ccvshop

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// What products are read and written with: the shop's VAT setting, the
// category tree and the attributes variants are built from.

// CategorySeparator joins category names into a path from the top category
// down, as model.Product.Categories holds them.
const CategorySeparator = " > "

// getAll follows a listing's `next` links from uri and returns every item.
func getAll[T any](ctx context.Context, c *Client, op, uri string) ([]T, error) {
	var out []T
	for uri != "" {
		var page wireCollection[T]
		if err := c.get(ctx, op, uri, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		next := ""
		if page.Next != nil && *page.Next != uri && len(page.Items) > 0 {
			next = *page.Next
		}
		uri = next
	}
	return out, nil
}

// subItems returns every item of a sub-resource: the expanded items (and
// their further pages), or, when the shop did not expand it, the items read
// from its link (or from fallback when it gave no link).
func subItems[T any](ctx context.Context, c *Client, op string, sub wireSub[T], fallback string) ([]T, error) {
	if sub.Items == nil {
		uri := fallback
		if sub.Href != "" {
			uri = sub.Href
		}
		return getAll[T](ctx, c, op, withPaging(uri, c.cfg.MaxPageSize))
	}
	out := *sub.Items
	if sub.Next != nil && *sub.Next != "" {
		more, err := getAll[T](ctx, c, op, *sub.Next)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// withPaging adds start=0 and size to a URI that has no paging of its own.
func withPaging(uri string, size int) string {
	if strings.Contains(uri, "start=") || strings.Contains(uri, "size=") {
		return uri
	}
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%sstart=0&size=%d", uri, sep, size)
}

// pricesIncludeVAT tells whether the shop's product prices include VAT:
// Config.PricesIncludeVAT, or else the shop's prices_include_vat setting,
// read once per client.
func (c *Client) pricesIncludeVAT(ctx context.Context) (bool, error) {
	switch c.cfg.PricesIncludeVAT {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	c.cacheMu.Lock()
	known := c.vatIncl
	c.cacheMu.Unlock()
	if known != nil {
		return *known, nil
	}
	id := c.cfg.WebshopID
	if id == 0 {
		shops, err := getAll[wireCreated](ctx, c, OpListWebshops, APIPath+"/webshops/")
		if err != nil {
			return false, err
		}
		if len(shops) == 0 {
			return false, &connectors.Error{Kind: connectors.KindConfig, System: c.system(), Op: OpListWebshops,
				Message: "the shop lists no webshop to read prices_include_vat from; set options.pricesIncludeVat to true or false"}
		}
		id = shops[0].ID
	}
	var s wireSettings
	if err := c.get(ctx, OpGetSettings, fmt.Sprintf("%s/webshops/%d/settings/", APIPath, id), &s); err != nil {
		return false, err
	}
	if s.PricesIncludeVAT == nil {
		return false, &connectors.Error{Kind: connectors.KindConfig, System: c.system(), Op: OpGetSettings,
			Message: fmt.Sprintf("the settings of webshop %d do not say whether prices include VAT; set options.pricesIncludeVat to true or false", id)}
	}
	c.cacheMu.Lock()
	c.vatIncl = s.PricesIncludeVAT
	c.cacheMu.Unlock()
	return *s.PricesIncludeVAT, nil
}

// vatOf reads a product's VAT rate: its vatrate when the shop sends one,
// else the rate of its tax tariff.
func (c *Client) vatOf(p wireProduct) (model.VATRate, error) {
	if p.VATRate != "" {
		v, err := number(p.VATRate, 2, "vatrate")
		return model.VATRate(v), err
	}
	if rate, ok := c.cfg.TaxTariffs[strings.ToLower(strings.TrimSpace(p.TaxTariff))]; ok {
		return rate, nil
	}
	return 0, fmt.Errorf("product %d has no vatrate and its tax tariff %q has no rate in options.taxTariffs (%s)",
		p.ID, p.TaxTariff, tariffList(c.cfg.TaxTariffs))
}

// tariffFor returns the tax tariff of a rate (the first by name when several
// share it); ok is false when no tariff has the rate.
func (c *Client) tariffFor(rate model.VATRate) (string, bool) {
	var names []string
	for name, r := range c.cfg.TaxTariffs {
		if r == rate {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "", false
	}
	slices.Sort(names)
	return names[0], true
}

func tariffList(t map[string]model.VATRate) string {
	var parts []string
	for name, r := range t {
		parts = append(parts, name+"="+model.FormatMinor(int64(r), 2))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// categoryTree is the shop's categories by id, as loaded at one time.
type categoryTree struct {
	loaded time.Time
	byID   map[int64]wireCategory
}

// path renders a category as "Top > … > Name"; ok is false for an unknown id.
func (t *categoryTree) path(id int64) (string, bool) {
	var names []string
	for seen := 0; id != 0; seen++ {
		cat, ok := t.byID[id]
		if !ok || seen > len(t.byID) { // unknown, or a loop in the parents
			return "", false
		}
		names = append(names, strings.TrimSpace(cat.Name))
		id = cat.ParentCategory.ID
	}
	slices.Reverse(names)
	return strings.Join(names, CategorySeparator), len(names) > 0
}

// child finds the category named name under parent (0: a top category).
// Names match without regard to case or surrounding spaces; of several, the
// lowest id wins.
func (t *categoryTree) child(parent int64, name string) (int64, bool) {
	best := int64(0)
	for id, cat := range t.byID {
		if cat.ParentCategory.ID == parent && sameName(cat.Name, name) && (best == 0 || id < best) {
			best = id
		}
	}
	return best, best != 0
}

// anywhere finds the one category named name at any depth; ok is false
// when none or several have the name.
func (t *categoryTree) anywhere(name string) (int64, bool) {
	found := int64(0)
	for id, cat := range t.byID {
		if sameName(cat.Name, name) {
			if found != 0 {
				return 0, false
			}
			found = id
		}
	}
	return found, found != 0
}

func sameName(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }

// categoryTree returns the cached tree, loading it when it is older than
// CacheTTL or fresh is set.
func (c *Client) categoryTree(ctx context.Context, fresh bool) (*categoryTree, error) {
	c.cacheMu.Lock()
	t := c.categories
	c.cacheMu.Unlock()
	if t != nil && !fresh && c.cfg.CacheTTL > 0 && time.Since(t.loaded) < c.cfg.CacheTTL {
		return t, nil
	}
	cats, err := getAll[wireCategory](ctx, c, OpListCategories, fmt.Sprintf("%s/categories/?start=0&size=%d", APIPath, c.cfg.MaxPageSize))
	if err != nil {
		return nil, err
	}
	t = &categoryTree{loaded: time.Now(), byID: make(map[int64]wireCategory, len(cats))}
	for _, cat := range cats {
		t.byID[cat.ID] = cat
	}
	c.cacheMu.Lock()
	c.categories = t
	c.cacheMu.Unlock()
	return t, nil
}

// addCategory puts a category the client created into the cached tree.
func (c *Client) addCategory(cat wireCategory) {
	c.cacheMu.Lock()
	defer c.cacheMu.Unlock()
	if c.categories == nil {
		return
	}
	byID := make(map[int64]wireCategory, len(c.categories.byID)+1)
	for id, v := range c.categories.byID {
		byID[id] = v
	}
	byID[cat.ID] = cat
	c.categories = &categoryTree{loaded: c.categories.loaded, byID: byID}
}

// categoryPaths renders category ids as paths, reloading the tree once when
// it does not know one (a category made since it was loaded). An id the
// shop does not know either is left out.
func (c *Client) categoryPaths(ctx context.Context, ids []int64) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	t, err := c.categoryTree(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, ok := t.byID[id]; !ok {
			if t, err = c.categoryTree(ctx, true); err != nil {
				return nil, err
			}
			break
		}
	}
	var out []string
	for _, id := range ids {
		if p, ok := t.path(id); ok && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// splitPath splits "Coffee > Beans" into its names.
func splitPath(path string) []string {
	var out []string
	for _, n := range strings.Split(path, strings.TrimSpace(CategorySeparator)) {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// resolveCategories finds the id of every category path. A path is walked
// from the top; a single name that is not a top category also matches the
// one category of that name at any depth. A missing category is created
// (with the missing parents) when create is set, and is a KindNotFound
// error naming it otherwise.
func (c *Client) resolveCategories(ctx context.Context, paths []string, create bool) ([]int64, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	t, err := c.categoryTree(ctx, false)
	if err != nil {
		return nil, err
	}
	reloaded := false
	var ids []int64
	for _, path := range paths {
		names := splitPath(path)
		if len(names) == 0 {
			continue
		}
		id, missing := walk(t, names)
		if missing >= 0 && !reloaded {
			// A category made in the shop since the tree was loaded.
			if t, err = c.categoryTree(ctx, true); err != nil {
				return nil, err
			}
			reloaded = true
			id, missing = walk(t, names)
		}
		if missing >= 0 && !create {
			return nil, &connectors.Error{Kind: connectors.KindNotFound, System: c.system(), Op: OpListCategories,
				Message: fmt.Sprintf("category %q does not exist in the shop (%q is missing%s); create it in CCV Shop or let the flow create categories",
					strings.Join(names, CategorySeparator), names[missing], under(names[:missing]))}
		}
		for ; missing >= 0 && missing < len(names); missing++ {
			if id, err = c.createCategory(ctx, names[missing], id); err != nil {
				return nil, err
			}
			c.cacheMu.Lock()
			t = c.categories
			c.cacheMu.Unlock()
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func under(parents []string) string {
	if len(parents) == 0 {
		return " at the top"
	}
	return " under " + fmt.Sprintf("%q", strings.Join(parents, CategorySeparator))
}

// walk follows names down the tree. It returns the deepest id found and the
// index of the first missing name, or -1 when the whole path exists.
func walk(t *categoryTree, names []string) (int64, int) {
	if len(names) == 1 {
		if id, ok := t.child(0, names[0]); ok {
			return id, -1
		}
		if id, ok := t.anywhere(names[0]); ok {
			return id, -1
		}
		return 0, 0
	}
	parent := int64(0)
	for i, n := range names {
		id, ok := t.child(parent, n)
		if !ok {
			return parent, i
		}
		parent = id
	}
	return parent, -1
}

// createCategory makes a category under parent (0: at the top) and returns
// its id. When the shop answers the POST without a body, the new category
// is found by name in a reloaded tree.
func (c *Client) createCategory(ctx context.Context, name string, parent int64) (int64, error) {
	body := map[string]any{"name": name}
	if parent != 0 {
		body["parentcategory_id"] = parent
	}
	var created wireCreated
	if _, err := c.send(ctx, OpCreateCategory, http.MethodPost, APIPath+"/categories/", body, &created); err != nil {
		return 0, err
	}
	if created.ID == 0 {
		t, err := c.categoryTree(ctx, true)
		if err != nil {
			return 0, err
		}
		id, ok := t.child(parent, name)
		if !ok {
			return 0, &connectors.Error{Kind: connectors.KindUnavailable, System: c.system(), Op: OpCreateCategory,
				Message: fmt.Sprintf("the shop accepted category %q but does not list it", name)}
		}
		return id, nil
	}
	c.addCategory(wireCategory{ID: created.ID, Name: name, ParentCategory: wireRef{ID: parent}})
	return created.ID, nil
}
