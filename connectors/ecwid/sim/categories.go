package sim

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func categoryNotFound(id string) *apiError {
	return fail(http.StatusNotFound, CodeCategoriesNotFound, "Category with ID %s was not found", id)
}

func (s *Sim) categoryParam(c *call) (*Category, *apiError) {
	raw := c.p.Get("categoryId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, wrongParam("categoryId", "expected a whole number, got %q", raw)
	}
	cat := s.categoryLocked(id)
	if cat == nil || (c.public && !cat.Enabled) {
		return nil, categoryNotFound(raw)
	}
	return cat, nil
}

// searchCategories (§3.3): all categories, or those below parent and
// parentIds (direct children unless withSubcategories); enabled ones
// unless hidden_categories=true (a public token sees enabled ones only).
func (s *Sim) searchCategories(c *call) (any, *apiError) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	q := c.q
	var parents []int64
	if n, set, err := q.integer("parent"); err != nil {
		return nil, err
	} else if set {
		parents = append(parents, n)
	}
	more, err := q.ids("parentIds")
	if err != nil {
		return nil, err
	}
	parents = append(parents, more...)
	deep, _, err := q.boolean("withSubcategories")
	if err != nil {
		return nil, err
	}
	hidden, _, err := q.boolean("hidden_categories")
	if err != nil {
		return nil, err
	}
	kw := strings.ToLower(q.Get("keyword"))
	var match []*Category
	for _, cat := range s.st.Categories {
		switch {
		case !cat.Enabled && (c.public || !hidden),
			kw != "" && !strings.Contains(strings.ToLower(cat.Name+"\x00"+cat.Description), kw),
			len(parents) > 0 && !s.below(cat, parents, deep):
			continue
		}
		match = append(match, cat)
	}
	slices.SortStableFunc(match, func(a, b *Category) int {
		return cmp.Or(cmp.Compare(a.OrderBy, b.OrderBy), cmp.Compare(a.ID, b.ID))
	})
	return answerPage(pg, match, s.categoryJSON), nil
}

// below tells whether cat is a child of one of parents, or with deep any
// descendant.
func (s *Sim) below(cat *Category, parents []int64, deep bool) bool {
	for seen, up := 0, cat.ParentID; seen <= len(s.st.Categories); seen++ {
		if slices.Contains(parents, up) {
			return true
		}
		if !deep || up == 0 {
			return false
		}
		parent := s.categoryLocked(up)
		if parent == nil {
			return false
		}
		up = parent.ParentID
	}
	return false
}

// withDescendantsLocked adds the subcategories of ids, at any depth.
func (s *Sim) withDescendantsLocked(ids []int64) []int64 {
	out := slices.Clone(ids)
	for _, cat := range s.st.Categories {
		if !slices.Contains(out, cat.ID) && s.below(cat, ids, true) {
			out = append(out, cat.ID)
		}
	}
	return out
}

func (s *Sim) getCategory(c *call) (any, *apiError) {
	cat, err := s.categoryParam(c)
	if err != nil {
		return nil, err
	}
	return s.categoryJSON(cat), nil
}

func (s *Sim) createCategory(c *call) (any, *apiError) {
	var w categoryWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	if w.Name == nil || strings.TrimSpace(*w.Name) == "" {
		return nil, wrongParam("name", "the field is required")
	}
	cat := &Category{ID: s.nextIDLocked(kindCategory), Enabled: true}
	if err := s.applyCategoryLocked(cat, &w); err != nil {
		return nil, err
	}
	if w.OrderBy == nil {
		cat.OrderBy = 10 * int64(1+len(s.childrenLocked(cat.ParentID)))
	}
	s.st.Categories = append(s.st.Categories, cat)
	return idOut{ID: cat.ID}, nil
}

func (s *Sim) updateCategory(c *call) (any, *apiError) {
	cat, err := s.categoryParam(c)
	if err != nil {
		return nil, err
	}
	var w categoryWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	next := *cat
	if err := s.applyCategoryLocked(&next, &w); err != nil {
		return nil, err
	}
	*cat = next
	return updateOut{UpdateCount: 1}, nil
}

// deleteCategory deletes the category and its subcategories and takes
// them off their products [A].
func (s *Sim) deleteCategory(c *call) (any, *apiError) {
	cat, err := s.categoryParam(c)
	if err != nil {
		return nil, err
	}
	gone := s.withDescendantsLocked([]int64{cat.ID})
	s.st.Categories = slices.DeleteFunc(s.st.Categories, func(x *Category) bool { return slices.Contains(gone, x.ID) })
	now := s.now()
	for _, p := range s.st.Products {
		kept := slices.DeleteFunc(slices.Clone(p.CategoryIDs), func(id int64) bool { return slices.Contains(gone, id) })
		if len(kept) == len(p.CategoryIDs) {
			continue
		}
		p.CategoryIDs = kept
		if slices.Contains(gone, p.DefaultCategoryID) {
			p.DefaultCategoryID = 0
			if len(kept) > 0 {
				p.DefaultCategoryID = kept[0]
			}
		}
		p.Updated = now
	}
	return deleteOut{DeleteCount: 1}, nil
}

func (s *Sim) applyCategoryLocked(cat *Category, w *categoryWrite) *apiError {
	if w.Name != nil && strings.TrimSpace(*w.Name) == "" {
		return wrongParam("name", "a category's name cannot be empty")
	}
	if w.ParentID != nil && *w.ParentID != 0 {
		parent := s.categoryLocked(*w.ParentID)
		if parent == nil {
			return categoryNotFound(strconv.FormatInt(*w.ParentID, 10))
		}
		if parent.ID == cat.ID || s.below(parent, []int64{cat.ID}, true) {
			return wrongParam("parentId", "category %d cannot be placed below itself", cat.ID)
		}
	}
	if w.ExternalRef != nil && *w.ExternalRef != "" {
		for _, other := range s.st.Categories {
			if other.ID != cat.ID && other.ExternalRef == *w.ExternalRef {
				return fail(http.StatusConflict, CodeExternalIDUsed, "Category with external ID %q already exists", *w.ExternalRef)
			}
		}
	}
	set(&cat.ParentID, w.ParentID)
	set(&cat.OrderBy, w.OrderBy)
	set(&cat.Name, w.Name)
	set(&cat.Description, w.Description)
	set(&cat.Enabled, w.Enabled)
	set(&cat.ExternalRef, w.ExternalRef)
	return nil
}

func (s *Sim) childrenLocked(parent int64) []*Category {
	var out []*Category
	for _, c := range s.st.Categories {
		if c.ParentID == parent {
			out = append(out, c)
		}
	}
	return out
}

func (s *Sim) categoryJSON(cat *Category) categoryOut {
	all := s.withDescendantsLocked([]int64{cat.ID})
	out := categoryOut{ID: cat.ID, ParentID: cat.ParentID, OrderBy: cat.OrderBy, Name: cat.Name,
		Description: cat.Description, Enabled: cat.Enabled, ExternalRef: cat.ExternalRef,
		URL: fmt.Sprintf("https://store%d.company.site/products/c%d", s.o.StoreID, cat.ID)}
	for _, p := range s.st.Products {
		if slices.ContainsFunc(p.CategoryIDs, func(id int64) bool { return slices.Contains(all, id) }) {
			out.ProductCount++
		}
		if p.Enabled && slices.Contains(p.CategoryIDs, cat.ID) {
			out.EnabledProductCount++
		}
	}
	return out
}

// getProfile answers the store profile (§3.3): the parts the simulator
// keeps, in the API's sections.
func (s *Sim) getProfile(*call) (any, *apiError) {
	pr := s.st.Profile
	taxes := []map[string]any{}
	for _, t := range pr.Taxes {
		taxes = append(taxes, map[string]any{"id": t.ID, "name": t.Name, "enabled": true, "includeInPrice": pr.PricesIncludeTax,
			"useShippingAddress": true, "taxShipping": t.Shipping, "appliedByDefault": t.Default, "defaultTax": t.Percent,
			"rules": []any{}})
	}
	symbol := map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}[pr.Currency]
	return map[string]any{
		"generalInfo": map[string]any{"storeId": s.o.StoreID,
			"storeUrl": fmt.Sprintf("https://store%d.company.site", s.o.StoreID), "websitePlatform": "instantsite"},
		"account":  map[string]any{"accountName": pr.StoreName, "accountEmail": pr.Email, "suspended": false},
		"settings": map[string]any{"closed": pr.Closed, "storeName": pr.StoreName},
		"company":  map[string]any{"companyName": pr.CompanyName, "email": pr.Email, "countryCode": pr.CountryCode},
		"formatsAndUnits": map[string]any{"currency": pr.Currency, "currencyPrefix": symbol, "currencySuffix": "",
			"currencyPrecision": pr.CurrencyPrecision, "currencyDecimalSeparator": ",", "currencyGroupSeparator": ".",
			"currencyTruncateZeroFractional": false, "weightUnit": "KILOGRAM", "timezone": pr.Timezone,
			"orderNumberPrefix": pr.OrderPrefix, "orderNumberSuffix": pr.OrderSuffix},
		"taxes": taxes,
		"taxSettings": map[string]any{"automaticTaxEnabled": false, "taxes": taxes, "pricesIncludeTax": pr.PricesIncludeTax,
			"taxExemptBusiness": false, "b2b_b2c": "b2c"},
	}, nil
}
