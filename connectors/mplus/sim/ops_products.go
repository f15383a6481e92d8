package sim

import (
	"sort"
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

// getProducts filters by articleNumbers, pluNumbers and productNumbers (each
// a union; several kinds intersect), then by syncMarker and onlyActive. With
// no number filter it lists every article above syncMarker, at most
// syncMarkerLimit of them, in sync-marker order.
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
	var picked []*Product
	filtered := len(req.ArticleNumbers) > 0 || len(plus) > 0 || len(req.ProductNumbers) > 0
	if filtered {
		var sets []map[*Product]bool
		if len(req.ArticleNumbers) > 0 {
			set := map[*Product]bool{}
			for _, n := range req.ArticleNumbers {
				if p := st.byArticle[n]; p != nil {
					set[p] = true
				}
			}
			sets = append(sets, set)
		}
		if len(plus) > 0 {
			set := map[*Product]bool{}
			for _, plu := range plus {
				for _, p := range st.byPLU[plu] {
					set[p] = true
				}
			}
			sets = append(sets, set)
		}
		if len(req.ProductNumbers) > 0 {
			set := map[*Product]bool{}
			for _, n := range req.ProductNumbers {
				for _, p := range st.byProductNo[n] {
					set[p] = true
				}
			}
			sets = append(sets, set)
		}
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

	var since int64
	if req.SyncMarker != nil {
		since = *req.SyncMarker
	}
	limit := 0
	if req.SyncMarkerLimit != nil && *req.SyncMarkerLimit > 0 {
		limit = *req.SyncMarkerLimit
	}
	out := productsOut{}
	byNumber := map[int64]int{}
	count := 0
	for _, p := range picked {
		if p.SyncMarker <= since || (req.OnlyActive != nil && *req.OnlyActive && p.Inactive) {
			continue
		}
		if limit > 0 && count == limit {
			break
		}
		count++
		a := s.articleOut(p)
		i, ok := byNumber[p.ProductNumber]
		if !ok {
			i = len(out.ProductList.Product)
			byNumber[p.ProductNumber] = i
			out.ProductList.Product = append(out.ProductList.Product,
				productOut{ProductNumber: p.ProductNumber, Description: p.Description})
		}
		po := &out.ProductList.Product[i]
		po.ArticleList.Article = append(po.ArticleList.Article, a)
		po.SyncMarker = max(po.SyncMarker, p.SyncMarker)
	}
	return out, nil
}

func (s *Sim) articleOut(p *Product) articleOut {
	g := s.st.vatByCode[p.VatCode]
	return articleOut{
		ArticleNumber: p.ArticleNumber, PluNumber: p.PLU, SyncMarker: p.SyncMarker, Active: !p.Inactive,
		Description: p.Description, Barcode: p.Barcode, VatCode: p.VatCode, VatPercentage: int(s.vatWire(g.Rate)),
		PriceIncl: p.PriceInclCents, PriceExcl: exclFromIncl(p.PriceInclCents, int64(g.Rate)),
	}
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
