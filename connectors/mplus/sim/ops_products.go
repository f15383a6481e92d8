package sim

import (
	"encoding/base64"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
)

// getApiVersion: the connection test.
func (s *Sim) getApiVersion(r *request) (any, error) {
	var in struct{}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	return apiVersionOut{MajorNumber: APIMajor, MinorNumber: APIMinor, RevisionNumber: APIRevision,
		ServiceVersionDisplayString: serviceVersion + " (Koppel simulator)"}, nil
}

// getVatGroupList: every VAT group, vatPercentage in the configured scale.
func (s *Sim) getVatGroupList(r *request) (any, error) {
	var in struct{}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := vatGroupListOut{VatGroup: make([]vatGroupOut, 0, len(s.st.VatGroups))}
	for _, g := range s.st.VatGroups {
		out.VatGroup = append(out.VatGroup, vatGroupOut{CountryIso3: g.CountryIso3, VatCode: g.Code, VatPercentage: s.vatWire(g.Rate)})
	}
	return out, nil
}

// getCurrentSyncMarkers: the current marker of every entity and the last stockId.
func (s *Sim) getCurrentSyncMarkers(r *request) (any, error) {
	var in struct{}
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := s.st.Markers
	return syncMarkersOut{ArticleSyncMarker: m.Article, ArticleGroupSyncMarker: m.ArticleGroup, RelationSyncMarker: m.Relation,
		InvoiceSyncMarker: m.Invoice, OrderSyncMarker: m.Order, StockID: m.Stock}, nil
}

// getProducts filters by articleNumbers, pluNumbers, productNumbers and
// groupNumbers (each a union; several kinds intersect), then by syncMarker,
// onlyActive and onlyWebshop. With no number filter it lists every article
// above syncMarker. Articles are taken in sync-marker order, at most
// syncMarkerLimit of them (the limit counts articles [A]); with
// includeAllArticlesOfSelectedProducts the other articles of the products
// taken are added. Articles come grouped per product, a product's syncMarker
// being the highest of its articles.
func (s *Sim) getProducts(r *request) (any, error) {
	var in getProductsIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Request == nil {
		return nil, required("request")
	}
	req := in.Request
	if req.PluNumbers == nil {
		return nil, required("pluNumbers")
	}
	plus := make([]string, 0, len(req.PluNumbers.Text))
	for _, t := range req.PluNumbers.Text {
		if t.Text == nil {
			return nil, required("text")
		}
		plus = append(plus, *t.Text)
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	var sets []map[*Product]bool
	addSet := func(fill func(set map[*Product]bool)) {
		set := map[*Product]bool{}
		fill(set)
		sets = append(sets, set)
	}
	if len(req.ArticleNumbers) > 0 {
		addSet(func(set map[*Product]bool) {
			for _, n := range req.ArticleNumbers {
				if p := st.byArticle[n]; p != nil {
					set[p] = true
				}
			}
		})
	}
	if len(plus) > 0 {
		addSet(func(set map[*Product]bool) {
			for _, plu := range plus {
				for _, p := range st.byPLU[plu] {
					set[p] = true
				}
			}
		})
	}
	if len(req.ProductNumbers) > 0 {
		addSet(func(set map[*Product]bool) {
			for _, n := range req.ProductNumbers {
				for _, p := range st.byProductNo[n] {
					set[p] = true
				}
			}
		})
	}
	if len(req.GroupNumbers) > 0 {
		addSet(func(set map[*Product]bool) {
			for _, h := range st.ProductHeads {
				for _, g := range h.Groups {
					if slices.Contains(req.GroupNumbers, g) {
						for _, p := range st.byProductNo[h.Number] {
							set[p] = true
						}
					}
				}
			}
		})
	}
	var picked []*Product
	if len(sets) > 0 {
		for p := range sets[0] {
			all := true
			for _, other := range sets[1:] {
				all = all && other[p]
			}
			if all {
				picked = append(picked, p)
			}
		}
	} else {
		picked = append(picked, st.Products...)
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].SyncMarker < picked[j].SyncMarker })

	since := deref(req.SyncMarker)
	limit := max(deref(req.SyncMarkerLimit), 0)
	keep := func(p *Product) bool {
		return !(deref(req.OnlyActive) && p.Inactive) && !(deref(req.OnlyWebshop) && !p.Webshop)
	}
	var taken []*Product
	for _, p := range picked {
		if p.SyncMarker <= since || !keep(p) {
			continue
		}
		if limit > 0 && len(taken) == limit {
			break
		}
		taken = append(taken, p)
	}
	if deref(req.IncludeAllArticlesOfSelectedProducts) {
		have := map[*Product]bool{}
		for _, p := range taken {
			have[p] = true
		}
		for _, p := range slices.Clone(taken) {
			for _, sib := range st.articlesOf(p.ProductNumber) {
				if !have[sib] && keep(sib) {
					have[sib] = true
					taken = append(taken, sib)
				}
			}
		}
	}

	out := productsOut{}
	byNumber := map[int64]int{}
	for _, p := range taken {
		i, ok := byNumber[p.ProductNumber]
		if !ok {
			i = len(out.ProductList.Product)
			byNumber[p.ProductNumber] = i
			h := st.headByNo[p.ProductNumber]
			out.ProductList.Product = append(out.ProductList.Product,
				productOut{ProductNumber: p.ProductNumber, Description: h.Description, ExtraText: h.ExtraText, GroupNumbers: h.Groups})
		}
		po := &out.ProductList.Product[i]
		po.ArticleList.Article = append(po.ArticleList.Article, s.articleOut(p))
		po.SyncMarker = max(po.SyncMarker, p.SyncMarker)
	}
	return out, nil
}

func (s *Sim) articleOut(p *Product) articleOut {
	g := s.st.vatByCode[p.VatCode]
	a := articleOut{
		ArticleNumber: p.ArticleNumber, PluNumber: p.PLU, SyncMarker: p.SyncMarker, Active: !p.Inactive,
		Description: p.Description, Colour: p.Colour, Size: p.Size, InvoiceText: p.InvoiceText, Barcode: p.Barcode,
		ExtraText: p.ExtraText, TurnoverGroup: p.TurnoverGroup, VatCode: p.VatCode, VatPercentage: int(s.vatWire(g.Rate)),
		PriceIncl: p.PriceInclCents, PriceExcl: exclFromIncl(p.PriceInclCents, int64(g.Rate)),
		Webshop: p.Webshop, StockArticle: p.StockArticle,
	}
	if len(p.Images) > 0 {
		a.ImageList = &imageListOut{}
		for _, im := range p.Images {
			o := imageOut{ImageID: im.ID, ImageName: im.Name, ImageURL: im.URL, ImageDataResult: loadFileNotRequested,
				ThumbDataResult: loadFileNotRequested}
			if len(im.Data) > 0 {
				o.ImageData, o.ImageDataResult = base64.StdEncoding.EncodeToString(im.Data), loadFileOK
			}
			a.ImageList.Image = append(a.ImageList.Image, o)
		}
	}
	a.CustomFieldList = customFieldsOut(p.CustomFields)
	return a
}

func customFieldsOut(fields map[string]string) *customFieldListOut {
	if len(fields) == 0 {
		return nil
	}
	out := &customFieldListOut{}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		out.CustomField = append(out.CustomField, customFieldOut{FieldName: name, DataType: dataTypeString, StrValue: fields[name]})
	}
	return out
}

// applyCustomFields sets the fields a request carries and keeps the rest
// [A: like updateRelation, a custom field not sent is assumed unchanged].
func applyCustomFields(dst map[string]string, in *customFieldListIn) (map[string]string, error) {
	if in == nil || len(in.CustomField) == 0 {
		return dst, nil
	}
	out := maps.Clone(dst)
	if out == nil {
		out = map[string]string{}
	}
	for _, f := range in.CustomField {
		if f.FieldName == nil || strings.TrimSpace(*f.FieldName) == "" {
			return nil, required("fieldName")
		}
		out[strings.TrimSpace(*f.FieldName)] = deref(f.StrValue)
	}
	return out, nil
}

// createProduct stores a new product with its articles. A productNumber or
// articleNumber that is sent and taken answers …-ALREADY-TAKEN; no article,
// an unknown vatCode or group answers …-FAILED naming each problem. Numbers
// not sent are assigned. A price sent only excl. VAT is made incl. with the
// article's VAT rate.
func (s *Sim) createProduct(r *request) (any, error) {
	var in productRequestIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Product == nil {
		return nil, required("product")
	}
	p := in.Product
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	now := s.now()
	fail := func(result, format string, args ...any) (any, error) {
		return createProductOut{Result: result, ChangeTimestamp: dateTime(now), ErrorMessage: fmt.Sprintf(format, args...)}, nil
	}
	number := deref(p.ProductNumber)
	if number != 0 && st.headByNo[number] != nil {
		return fail(createProductNumberTaken, "productNumber %d is already taken", number)
	}
	if p.ArticleList == nil || len(p.ArticleList.Article) == 0 {
		return fail(createProductFailed, "a product needs at least one article in articleList")
	}
	var problems []string
	seen := map[int64]bool{}
	for i, a := range p.ArticleList.Article {
		if n := deref(a.ArticleNumber); n != 0 {
			if st.byArticle[n] != nil || seen[n] {
				return fail(createProductArticleTaken, "articleNumber %d is already taken", n)
			}
			seen[n] = true
		}
		if a.VatCode != nil {
			if _, ok := st.vatByCode[*a.VatCode]; !ok {
				problems = append(problems, fmt.Sprintf("article %d: vatCode %d is not a VAT group", i+1, *a.VatCode))
			}
		}
		if strings.TrimSpace(deref(a.Description)) == "" && strings.TrimSpace(deref(p.Description)) == "" {
			problems = append(problems, fmt.Sprintf("article %d: description is required", i+1))
		}
		if _, err := applyCustomFields(nil, a.CustomFieldList); err != nil {
			return nil, err
		}
	}
	problems = append(problems, st.unknownGroups(p.GroupNumbers)...)
	if len(problems) > 0 {
		return fail(createProductFailed, "%s", strings.Join(problems, "; "))
	}
	if number == 0 {
		number = st.NextProduct
	}
	st.NextProduct = max(st.NextProduct, number+1)
	head := &productHead{Number: number, Description: strings.TrimSpace(deref(p.Description)), ExtraText: deref(p.ExtraText),
		Groups: slices.Clone(p.GroupNumbers)}
	st.ProductHeads = append(st.ProductHeads, head)
	st.headByNo[number] = head
	out := createProductOut{Result: createProductOK, ProductNumber: number, ChangeTimestamp: dateTime(now)}
	for _, a := range p.ArticleList.Article {
		art := &Product{ArticleNumber: deref(a.ArticleNumber), ProductNumber: number, VatCode: VatCodeHigh, Description: head.Description}
		s.applyArticle(art, a)
		art.ArticleNumber = st.putArticle(*art)
		out.ArticleNumbers = append(out.ArticleNumbers, art.ArticleNumber)
		out.SyncMarker = st.Markers.Article
	}
	if head.Description == "" {
		head.Description = st.byArticle[out.ArticleNumbers[0]].Description
	}
	return out, nil
}

// updateProduct changes a product: the product's fields the request
// carries, each article it names by articleNumber (the elements it carries;
// the rest is kept [A]) and each article without a number (or with an
// unknown one) added. An articleNumber of another product answers
// …-ARTICLE-NUMBER-ALREADY-TAKEN; an unknown productNumber …-NOT-FOUND.
// Articles the request leaves out are kept. Only what really changes gets a
// new syncMarker; a change of the product's own fields gives all its
// articles one.
func (s *Sim) updateProduct(r *request) (any, error) {
	var in productRequestIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Product == nil {
		return nil, required("product")
	}
	p := in.Product
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	now := s.now()
	fail := func(result, format string, args ...any) (any, error) {
		return updateProductOut{Result: result, ChangeTimestamp: dateTime(now), ErrorMessage: fmt.Sprintf(format, args...)}, nil
	}
	number := deref(p.ProductNumber)
	if number == 0 {
		return fail(updateProductFailed, "productNumber is required to update a product")
	}
	head := st.headByNo[number]
	if head == nil {
		return fail(updateProductNotFound, "no product with productNumber %d", number)
	}
	var articles []articleIn
	if p.ArticleList != nil {
		articles = p.ArticleList.Article
	}
	var problems []string
	for i, a := range articles {
		if n := deref(a.ArticleNumber); n != 0 {
			if old := st.byArticle[n]; old != nil && old.ProductNumber != number {
				return fail(updateProductArticleTaken, "articleNumber %d belongs to product %d", n, old.ProductNumber)
			}
		}
		if a.VatCode != nil {
			if _, ok := st.vatByCode[*a.VatCode]; !ok {
				problems = append(problems, fmt.Sprintf("article %d: vatCode %d is not a VAT group", i+1, *a.VatCode))
			}
		}
		if _, err := applyCustomFields(nil, a.CustomFieldList); err != nil {
			return nil, err
		}
	}
	problems = append(problems, st.unknownGroups(p.GroupNumbers)...)
	if len(problems) > 0 {
		return fail(updateProductFailed, "%s", strings.Join(problems, "; "))
	}

	next := *head
	if p.Description != nil {
		next.Description = strings.TrimSpace(*p.Description)
	}
	if p.ExtraText != nil {
		next.ExtraText = *p.ExtraText
	}
	if len(p.GroupNumbers) > 0 { // an absent list keeps the groups [A]
		next.Groups = slices.Clone(p.GroupNumbers)
	}
	headChanged := next.Description != head.Description || next.ExtraText != head.ExtraText || !slices.Equal(next.Groups, head.Groups)
	*head = next

	out := updateProductOut{Result: updateProductOK, ChangeTimestamp: dateTime(now)}
	changed := map[int64]bool{}
	for _, a := range articles {
		n := deref(a.ArticleNumber)
		if old := st.byArticle[n]; old != nil {
			art := copyArticle(old)
			s.applyArticle(&art, a)
			if !reflect.DeepEqual(art, copyArticle(old)) {
				st.unindexProduct(old)
				*old = art
				st.indexProduct(old)
				changed[n] = true
			}
			out.ExistingArticleNumbers = append(out.ExistingArticleNumbers, n)
			continue
		}
		art := &Product{ArticleNumber: n, ProductNumber: number, VatCode: VatCodeHigh, Description: head.Description}
		s.applyArticle(art, a)
		n = st.putArticle(*art)
		out.NewArticleNumbers = append(out.NewArticleNumbers, n)
	}
	for _, art := range st.articlesOf(number) {
		if changed[art.ArticleNumber] || headChanged {
			art.SyncMarker = st.nextArticleMarker()
		}
	}
	out.SyncMarker = st.Markers.Article
	return out, nil
}

// applyArticle copies every element an article request carries. Callers
// hold s.mu.
func (s *Sim) applyArticle(p *Product, a articleIn) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.PLU, a.PluNumber)
	if a.Description != nil {
		p.Description = strings.TrimSpace(*a.Description)
	}
	set(&p.Colour, a.Colour)
	set(&p.Size, a.Size)
	set(&p.InvoiceText, a.InvoiceText)
	set(&p.Barcode, a.Barcode)
	set(&p.ExtraText, a.ExtraText)
	if a.Active != nil {
		p.Inactive = !*a.Active
	}
	if a.TurnoverGroup != nil {
		p.TurnoverGroup = *a.TurnoverGroup
	}
	if a.VatCode != nil {
		p.VatCode = *a.VatCode
	}
	switch {
	case a.PriceIncl != nil:
		p.PriceInclCents = *a.PriceIncl
	case a.PriceExcl != nil:
		p.PriceInclCents = inclFromExcl(*a.PriceExcl, int64(s.st.vatByCode[p.VatCode].Rate))
	}
	if a.Webshop != nil {
		p.Webshop = *a.Webshop
	}
	if a.StockArticle != nil {
		p.StockArticle = *a.StockArticle
	}
	p.CustomFields, _ = applyCustomFields(p.CustomFields, a.CustomFieldList)
}

// unknownGroups names the group numbers that are no article group.
func (st *state) unknownGroups(numbers []int) []string {
	var out []string
	for _, g := range numbers {
		if st.groupByNo[g] == nil {
			out = append(out, fmt.Sprintf("groupNumber %d is not an article group", g))
		}
	}
	return out
}

// getArticleGroups returns the group tree (top-level groups with their
// subGroupList), optionally only the top-level groups named in
// groupNumbers. syncMarker and syncMarkerLimit are not supported: the whole
// tree comes back.
func (s *Sim) getArticleGroups(r *request) (any, error) {
	var in getArticleGroupsIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Request == nil {
		return nil, required("request")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	children := map[int][]*Group{}
	for _, g := range s.st.Groups {
		children[g.Parent] = append(children[g.Parent], g)
	}
	var list func(parent, depth int) articleGroupListOut
	list = func(parent, depth int) articleGroupListOut {
		var out articleGroupListOut
		for _, g := range children[parent] {
			if depth == 0 && len(in.Request.GroupNumbers) > 0 && !slices.Contains(in.Request.GroupNumbers, g.Number) {
				continue
			}
			out.ArticleGroups = append(out.ArticleGroups, articleGroupOut{GroupNumber: g.Number, SyncMarker: g.SyncMarker,
				Name: g.Name, Text: g.Text, SortOrder: g.SortOrder, SubGroupList: list(g.Number, depth+1)})
		}
		return out
	}
	return articleGroupsOut{ArticleGroupList: list(0, 0)}, nil
}

// newArticleGroup creates a group under parentGroupNumber (0: the top level).
func (s *Sim) newArticleGroup(r *request) (any, error) {
	var in newArticleGroupIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	req := in.Request
	switch {
	case req == nil:
		return nil, required("request")
	case req.ParentGroupNumber == nil:
		return nil, required("parentGroupNumber")
	case req.Name == nil:
		return nil, required("name")
	case req.Text == nil:
		return nil, required("text")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := *req.ParentGroupNumber
	if parent != 0 && s.st.groupByNo[parent] == nil {
		return newArticleGroupOut{Result: newArticleGroupParentNotFound}, nil
	}
	name := strings.TrimSpace(*req.Name)
	if name == "" {
		return newArticleGroupOut{Result: newArticleGroupFailed}, nil
	}
	n := s.st.newGroup(parent, name, *req.Text)
	s.st.groupByNo[n].SortOrder = deref(req.SortOrder)
	return newArticleGroupOut{Result: newArticleGroupOK, GroupNumber: n}, nil
}

func required(element string) error {
	return clientFault("Validation constraint violation: data required for element '%s'", element)
}

// amsterdam is the business time zone (research §2.4); UTC when the system
// has no zone database.
var amsterdam = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return loc
	}
	return time.UTC
}()

func dateTime(t time.Time) soapDateTime {
	t = t.In(amsterdam)
	_, off := t.Zone()
	return soapDateTime{Sec: t.Second(), Min: t.Minute(), Hour: t.Hour(), Day: t.Day(), Mon: int(t.Month()),
		Year: t.Year(), IsDST: t.IsDST(), Timezone: off / 60}
}

func date(t time.Time) soapDate {
	t = t.In(amsterdam)
	return soapDate{Day: t.Day(), Mon: int(t.Month()), Year: t.Year()}
}

// Rates are in hundredths of a percent (2100 = 21 %).

func inclFromExcl(excl, rate int64) int64 { return roundDiv(excl*(10000+rate), 10000) }
func exclFromIncl(incl, rate int64) int64 { return roundDiv(incl*10000, 10000+rate) }

// roundDiv divides rounding half away from zero.
func roundDiv(a, b int64) int64 {
	if b < 0 {
		a, b = -a, -b
	}
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}
