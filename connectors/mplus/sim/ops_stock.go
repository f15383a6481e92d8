package sim

import (
	"slices"
	"sort"
	"strings"

	"github.com/koppel/koppel/model"
)

// getStock returns the stock of the articles named (all with stock in the
// branch when none is named) in branchNumber; an article without a level
// has zero stock. stockId, when sent, keeps only levels changed after it.
// An unknown branch or article is left out of the answer.
func (s *Sim) getStock(r *request) (any, error) {
	var in getStockIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	req := in.Request
	switch {
	case req == nil:
		return nil, required("request")
	case req.BranchNumber == nil:
		return nil, required("branchNumber")
	case req.ArticleNumbers == nil:
		return nil, required("articleNumbers")
	}
	branch := *req.BranchNumber
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	out := getStockOut{}
	if !st.branches[branch] {
		return out, nil
	}
	numbers := req.ArticleNumbers.ArticleNumbers
	if len(numbers) == 0 {
		for _, l := range st.Stock {
			if l.Branch == branch {
				numbers = append(numbers, l.ArticleNumber)
			}
		}
	}
	seen := map[int64]bool{}
	for _, n := range numbers {
		if seen[n] || st.byArticle[n] == nil {
			continue
		}
		seen[n] = true
		lvl := StockLevel{Branch: branch, ArticleNumber: n}
		if l := st.stockByKey[stockKey{branch, n}]; l != nil {
			lvl = *l
		}
		if req.StockID != nil && lvl.StockID <= *req.StockID {
			continue
		}
		free, freeDP := quantityWire(lvl.Free)
		reserved, reservedDP := quantityWire(lvl.Reserved)
		changed := lvl.ChangedAt
		if changed.IsZero() {
			changed = s.now()
		}
		out.ArticleStocks = append(out.ArticleStocks, articleStockOut{BranchNumber: branch, ArticleNumber: n,
			ChangeTimestamp: dateTime(changed), StockID: lvl.StockID, AmountFree: free, DecimalPlacesFree: freeDP,
			AmountReserved: reserved, DecimalPlacesReserved: reservedDP, DecimalPlacesIncoming: 2})
	}
	return out, nil
}

// getStockHistoryV2 lists the stock changes after sinceStockId, oldest
// first, at most sinceStockIdLimit of them, optionally only of some branches
// and articles (GetStockHistoryResponse).
func (s *Sim) getStockHistoryV2(r *request) (any, error) {
	var in getStockHistoryV2In
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	req := in.Request
	if req == nil {
		return nil, required("request")
	}
	var articles []int64
	if req.ArticleNumbers != nil {
		articles = req.ArticleNumbers.ArticleNumbers
	}
	since, limit := deref(req.SinceStockID), max(deref(req.SinceStockIDLimit), 0)
	s.mu.RLock()
	defer s.mu.RUnlock()
	hist := s.st.History
	// History is in stockId order: start after since.
	i := sort.Search(len(hist), func(i int) bool { return hist[i].StockID > since })
	out := stockHistoryOut{}
	for ; i < len(hist); i++ {
		h := hist[i]
		if (len(req.BranchNumbers) > 0 && !slices.Contains(req.BranchNumbers, h.Branch)) ||
			(len(articles) > 0 && !slices.Contains(articles, h.ArticleNumber)) {
			continue
		}
		if limit > 0 && len(out.ArticleStockHistory) == limit {
			break
		}
		amount, dp := quantityWire(h.Change)
		out.ArticleStockHistory = append(out.ArticleStockHistory, stockHistoryRowOut{StockID: h.StockID, Timestamp: dateTime(h.Time),
			BranchNumber: h.Branch, ArticleNumber: h.ArticleNumber, AmountChanged: amount, DecimalPlaces: dp, Type: h.Type})
	}
	return out, nil
}

// setStock sets an article's free stock (absolute); setting the level it
// has already changes nothing and writes no history.
func (s *Sim) setStock(r *request) (any, error) {
	var in setStockIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Request == nil {
		return nil, required("request")
	}
	q := in.Request
	result, id, err := s.changeStock(stockChange{q.BranchNumber, q.ArticleNumber, q.Amount, "amount", q.DecimalPlaces, q.EmployeeNumber, q.Reference}, true)
	if err != nil {
		return nil, err
	}
	return setStockOut{Result: setStockPrefix + result, StockID: id}, nil
}

// updateStock adds amountChanged to an article's free stock (a delta).
func (s *Sim) updateStock(r *request) (any, error) {
	var in updateStockIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Request == nil {
		return nil, required("request")
	}
	q := in.Request
	result, id, err := s.changeStock(stockChange{q.BranchNumber, q.ArticleNumber, q.AmountChanged, "amountChanged", q.DecimalPlaces, q.EmployeeNumber, q.Reference}, false)
	if err != nil {
		return nil, err
	}
	return updateStockOut{Result: updateStockPrefix + result, StockID: id}, nil
}

// stockChange is a setStock or updateStock request.
type stockChange struct {
	branch     *int
	article    *int64
	amount     *int64
	amountName string // the element amount stands for
	decimals   *int
	employee   *int64
	reference  *string
}

// changeStock applies a stockChange, absolute (setStock) or as a delta
// (updateStock), and answers the result without its prefix and the stockId
// of the level.
func (s *Sim) changeStock(req stockChange, absolute bool) (string, int64, error) {
	switch {
	case req.branch == nil:
		return "", 0, required("branchNumber")
	case req.article == nil:
		return "", 0, required("articleNumber")
	case req.amount == nil:
		return "", 0, required(req.amountName)
	}
	dp := 2
	if req.decimals != nil {
		dp = *req.decimals
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	branch := *req.branch
	p := st.byArticle[*req.article]
	switch {
	case !st.branches[branch]:
		return stockBranchNF, 0, nil
	case p == nil:
		return stockArticleNF, 0, nil
	case !p.StockArticle:
		return stockNoStock, 0, nil
	case dp < 0 || dp > 6:
		return stockFailed, 0, nil
	}
	if e := deref(req.employee); e != 0 {
		if _, ok := st.employees[e]; !ok {
			return stockFailed, 0, nil
		}
	}
	q := model.QuantityFromScaled(*req.amount, dp)
	if !absolute {
		if l := st.stockByKey[stockKey{branch, p.ArticleNumber}]; l != nil {
			q += l.Free
		}
	}
	lvl := st.setStock(branch, p.ArticleNumber, q, stockHistoryAPI, deref(req.employee), strings.TrimSpace(deref(req.reference)), s.now())
	return stockOK, lvl.StockID, nil
}

// quantityWire renders a quantity as value plus decimalPlaces: hundredths,
// or thousandths when hundredths would lose precision.
func quantityWire(q model.Quantity) (int64, int) {
	if int64(q)%10 == 0 {
		return q.Scaled(2), 2
	}
	return q.Scaled(3), 3
}
