package sim

import (
	"fmt"
	"math/big"
	"net/http"
	"strings"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// articles are served as stored records (records.go).
var articles = storedRecords[Article]{
	all:    func(st *state) []Article { return st.Articles },
	idOf:   func(a *Article) string { return a.Id },
	check:  checkArticle,
	store:  (*Sim).storeArticleLocked,
	expand: (*state).expandArticle,
}

func (s *Sim) articleRoutes(rt *simkit.Router) {
	// customerId and showPricesWithTwoDecimals (customer price lists) are
	// accepted and change nothing: the simulated company has no price lists.
	s.handle(rt, http.MethodGet, "/articles", salesRead, articles.list(s))
	// SendToWebshop defaults to true on a POST, as the contract says; a PUT
	// replaces the whole article, so there it is false when absent.
	s.handle(rt, http.MethodPost, "/articles", salesWrite, articles.post(s, Article{SendToWebshop: true}))
	s.handle(rt, http.MethodGet, "/articles/{articleId}", salesRead, articles.get(s, "articleId"))
	s.handle(rt, http.MethodPut, "/articles/{articleId}", salesWrite, articles.put(s, "articleId"))
}

// expandArticle fills the computed fields of a read: names of the coding
// and unit, and the stock figures. StockBalanceReserved is what ongoing
// orders (Status 2) hold of it: research §4 leaves reservation open [?],
// this is the simulator's choice.
func (st *state) expandArticle(a *Article) {
	if c := st.coding(a.CodingId); c != nil {
		a.CodingName = c.Name
		a.IsServiceArticle = c.Type == "Services"
	}
	if u := st.unit(a.UnitId); u != nil {
		a.UnitName, a.UnitAbbreviation = u.Name, u.Abbreviation
	}
	var reserved int64
	for _, o := range st.Orders {
		if o.Status != 2 {
			continue
		}
		for _, row := range o.Rows {
			if strings.EqualFold(row.ArticleId, a.Id) && !row.IsTextRow {
				reserved += row.Quantity.V - row.DeliveredQuantity.V
			}
		}
	}
	a.StockBalanceReserved = DecOf(reserved)
	a.StockBalanceAvailable = DecOf(a.StockBalance.V - reserved)
	a.ShowStockInformation = !a.IsServiceArticle && (!st.StockModule || a.IsStock)
}

func checkArticle(a *Article, ps *problems) {
	ps.places("NetPrice", a.NetPrice, 2)
	ps.places("GrossPrice", a.GrossPrice, 2)
	ps.places("StockBalance", a.StockBalance, 2)
	for _, f := range []struct {
		name, id string
	}{{"CodingId", a.CodingId}, {"UnitId", a.UnitId}} {
		if f.id != "" && !guidRE.MatchString(f.id) {
			ps.add(f.name, "The value '%s' is not a valid GUID.", f.id)
		}
	}
}

// storeArticleLocked checks an article's references, number and stock and
// stores it, new (at < 0) or replacing the one at index at.
//
// A PUT replaces the whole article: a StockBalance left out is 0 (the
// contract's default). With the stock module StockBalance is read only: a
// write that would change it is refused with ErrorCode 4002
// CanNotBeCreatedOrUpdated (research §2.7 gives 4002 for "invalid property
// combination / missing add-on"; which one the API uses here is not known).
func (s *Sim) storeArticleLocked(a *Article, at int) (string, string, int) {
	coding := s.st.coding(a.CodingId)
	if coding == nil {
		return "CodingId", "ArticleAccountCoding", eaccounting.CodeNotFound
	}
	if s.st.unit(a.UnitId) == nil {
		return "UnitId", "Unit", eaccounting.CodeNotFound
	}
	var old *Article
	if at >= 0 {
		old = &s.st.Articles[at]
	}
	for i, x := range s.st.Articles {
		if i != at && strings.EqualFold(x.Number, a.Number) {
			return "Number", fmt.Sprintf("an article with Number %s exists already", a.Number), eaccounting.CodeConflict
		}
	}
	now := At(s.o.Now())
	var oldBalance int64
	if old != nil {
		oldBalance = old.StockBalance.V
	}
	if s.st.StockModule && a.StockBalance.V != oldBalance {
		return "StockBalance", "StockBalance is read only while the stock module is active", eaccounting.CodeCannotWrite
	}
	if !s.st.StockModule {
		a.IsStock = false // "can be stock article if stock module is activated"
	}
	a.NetPrice, a.GrossPrice = pricePair(a.NetPrice, a.GrossPrice, coding.VatRatePercent)
	a.ChangedUtc = now
	if old != nil {
		a.Id, a.CreatedUtc, a.StockBalanceManuallyChangedUtc = old.Id, old.CreatedUtc, old.StockBalanceManuallyChangedUtc
		if a.StockBalance.V != oldBalance {
			a.StockBalanceManuallyChangedUtc = now
		}
		*old = *a
		return "", "", 0
	}
	a.Id, a.CreatedUtc = s.nextIDLocked(), now
	if a.StockBalance.V != 0 {
		a.StockBalanceManuallyChangedUtc = now
	}
	s.st.Articles = append(s.st.Articles, *a)
	return "", "", 0
}

// pricePair completes the sales price excluding VAT (NetPrice) and
// including it (GrossPrice) from the one given, at the coding's rate,
// rounded to cents; both given stay as they are (the simulator's choice).
func pricePair(net, gross, rate Dec) (Dec, Dec) {
	one := big.NewInt(decScale)
	r := big.NewInt(rate.V)
	switch {
	case net.V != 0 && gross.V == 0:
		g := roundQuo(new(big.Int).Mul(big.NewInt(net.CentsValue()), new(big.Int).Add(one, r)), one)
		return Cents(net.CentsValue()), Cents(g.Int64())
	case gross.V != 0 && net.V == 0:
		n := roundQuo(new(big.Int).Mul(big.NewInt(gross.CentsValue()), one), new(big.Int).Add(one, r))
		return Cents(n.Int64()), Cents(gross.CentsValue())
	}
	return net, gross
}

// AddArticle stores an article as POST /articles would and returns its
// id; a stock balance is taken even with the stock module (a stock count).
func (s *Sim) AddArticle(a Article) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stock := s.st.StockModule
	s.st.StockModule = false
	isStock := a.IsStock
	a.IsStock, a.Id = false, ""
	field, msg, code := s.storeArticleLocked(&a, -1)
	s.st.StockModule = stock
	if code != 0 {
		return "", fmt.Errorf("%s: %s (ErrorCode %d)", field, msg, code)
	}
	s.st.Articles[len(s.st.Articles)-1].IsStock = isStock && stock
	return a.Id, nil
}

// Articles returns copies of the articles, with their computed fields.
func (s *Sim) Articles() []Article {
	s.mu.Lock()
	defer s.mu.Unlock()
	return articles.view(&s.st)
}

// Article returns a copy of the article with that number.
func (s *Sim) Article(number string) (Article, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.st.Articles {
		if strings.EqualFold(a.Number, number) {
			out := clone(a)
			s.st.expandArticle(&out)
			return out, true
		}
	}
	return Article{}, false
}

// SetStockBalance sets an article's stock as a stock count in
// eAccounting would, whatever the stock module.
func (s *Sim) SetStockBalance(number string, balance Dec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.st.Articles {
		if strings.EqualFold(s.st.Articles[i].Number, number) {
			a := &s.st.Articles[i]
			a.StockBalance = balance
			a.ChangedUtc, a.StockBalanceManuallyChangedUtc = At(s.o.Now()), At(s.o.Now())
			return nil
		}
	}
	return fmt.Errorf("no article %s", number)
}

// SetStockModule turns the company's stock add-on on or off.
func (s *Sim) SetStockModule(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.StockModule = on
}
