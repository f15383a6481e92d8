package sim

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/model"
)

// The SalesPOS flavour (Options.SalesPOS). Research §4 confirms that CCV
// SalesPOS is the same REST API with its own media type
// (application/vnd.verto.salespos+json) and resources of its own: cash-ups
// and terminal receipts, and links to the receipts on an order. Everything
// else below is assumed, the same way connectors/salespos/assumptions.go
// assumes it (which says how to check each against a live account); the
// simulator spells the names itself, so that a client and simulator that
// drift apart fail the tests:
//
//   - the POS resources and the POS fields of an order are served only to a
//     request that accepts the SalesPOS media type; any other gets 406 with
//     code 406.10 (the POS resources) or the webshop order (orders);
//   - a POS sale carries register_id and store_id (numbers, null when
//     none) and a terminalreceipts link;
//   - GET /orders/{id}/terminalreceipts/ lists an order's receipts (only
//     its POST is documented); the POS resources are read-only here;
//   - a terminal receipt has id, href, order_id, create_date, amount,
//     currency, brand, status and receipt (the printed text);
//   - a cash-up has id, href, number_full, create_date, start_period,
//     end_period (null while open), status, balances (paymethod, expected,
//     counted) and vat_totals (percentage, total, tax) — the resource's
//     field names are from the SDK, the names inside the lists are not.

// Sale is an order rung up at a SalesPOS till.
type Sale struct {
	Order model.Order
	// RegisterID and StoreID are the till and the store it was rung up at;
	// 0: none.
	RegisterID, StoreID int64
}

// TerminalReceipt is a payment terminal's receipt of an order's payment.
type TerminalReceipt struct {
	ID      string `json:"id"`
	OrderID string `json:"orderId"`
	// CreatedAt zero is the order's creation time.
	CreatedAt time.Time   `json:"createdAt"`
	Amount    model.Money `json:"amount"`
	Brand     string      `json:"brand,omitempty"`
	Status    string      `json:"status,omitempty"`
	// Text is the receipt as the terminal printed it.
	Text string `json:"text,omitempty"`
}

// Cashup is a till's count at the end of a period.
type Cashup struct {
	ID string `json:"id"`
	// Number is number_full; "" gets "<year>-<id>".
	Number    string    `json:"number"`
	CreatedAt time.Time `json:"createdAt"`
	Start     time.Time `json:"start"`
	// End is zero while the cash-up is open.
	End       time.Time       `json:"end,omitempty"`
	Status    string          `json:"status"`
	Balances  []CashupBalance `json:"balances,omitempty"`
	VATTotals []CashupVAT     `json:"vatTotals,omitempty"`
}

// CashupBalance is what one payment method should hold and what was
// counted (nil: not counted yet).
type CashupBalance struct {
	PaymentMethod string       `json:"paymentMethod"`
	Expected      model.Money  `json:"expected"`
	Counted       *model.Money `json:"counted,omitempty"`
}

// CashupVAT is the turnover of one VAT rate, including VAT, and its VAT.
type CashupVAT struct {
	VAT   model.VATRate `json:"vat"`
	Total model.Money   `json:"total"`
	Tax   model.Money   `json:"tax"`
}

// acceptsPOS reports whether a request asks for the SalesPOS schemas.
func acceptsPOS(r *http.Request) bool {
	return strings.Contains(strings.ToLower(r.Header.Get("Accept")), ccvshop.MediaTypeSalesPOS)
}

// posOnly serves a POS resource to requests that accept its media type.
func posOnly(h handler) handler {
	return func(s *Sim, r *http.Request, ids []string, body []byte) reply {
		if !acceptsPOS(r) {
			return fail(http.StatusNotAcceptable, "406.10", "this resource has SalesPOS schemas only; send Accept: "+ccvshop.MediaTypeSalesPOS)
		}
		return h(s, r, ids, body)
	}
}

// addPOSFields adds a sale's POS fields to its order JSON.
func addPOSFields(r *http.Request, so storedOrder, out map[string]any) {
	idOrNull := func(id int64) any {
		if id > 0 {
			return id
		}
		return nil
	}
	out["register_id"] = idOrNull(so.RegisterID)
	out["store_id"] = idOrNull(so.StoreID)
	out["terminalreceipts"] = map[string]any{"href": href(r, fmt.Sprintf("/orders/%d/terminalreceipts/", so.ID))}
}

// AddSale seeds a sale rung up at a till (an order, see AddOrder) and
// returns its id.
func (s *Sim) AddSale(sale Sale) string {
	s.mu.Lock()
	defer s.unlock()
	so := storedOrder{Order: sale.Order, Code: codeFor(sale.Order.Status), RegisterID: sale.RegisterID, StoreID: sale.StoreID}
	return s.insertOrder(so).Order.ID
}

// Sale returns an order with the till and store it was rung up at.
func (s *Sim) Sale(id string) (Sale, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	so, found := s.findOrder(id)
	if !found {
		return Sale{}, false
	}
	return Sale{Order: so.Order, RegisterID: so.RegisterID, StoreID: so.StoreID}, true
}

func (s *Sim) nextPOSID() string {
	s.state.NextPOSID = max(s.state.NextPOSID, 1)
	id := s.state.NextPOSID
	s.state.NextPOSID++
	return strconv.FormatInt(id, 10)
}

// AddTerminalReceipt seeds a terminal receipt of an order and returns its id.
func (s *Sim) AddTerminalReceipt(rc TerminalReceipt) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	so, found := s.findOrder(rc.OrderID)
	if !found {
		return "", fmt.Errorf("no order %s", rc.OrderID)
	}
	rc.ID = s.nextPOSID()
	if rc.CreatedAt.IsZero() {
		rc.CreatedAt = so.Order.CreatedAt
	}
	rc.CreatedAt = rc.CreatedAt.UTC().Truncate(time.Second)
	s.state.Receipts = append(s.state.Receipts, rc)
	return rc.ID, nil
}

// TerminalReceipts lists every terminal receipt in the order of their ids.
func (s *Sim) TerminalReceipts() []TerminalReceipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.Receipts)
}

// AddCashup seeds a cash-up and returns its id.
func (s *Sim) AddCashup(c Cashup) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.ID = s.nextPOSID()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.o.Now()
	}
	c.CreatedAt, c.Start = c.CreatedAt.UTC().Truncate(time.Second), c.Start.UTC().Truncate(time.Second)
	if !c.End.IsZero() {
		c.End = c.End.UTC().Truncate(time.Second)
	}
	if c.Number == "" {
		c.Number = fmt.Sprintf("%d-%s", c.CreatedAt.Year(), c.ID)
	}
	s.state.Cashups = append(s.state.Cashups, c)
	return c.ID
}

// Cashups lists every cash-up in the order of their ids.
func (s *Sim) Cashups() []Cashup {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.state.Cashups)
}

// checkPOS verifies the POS records of a restored state: ids unique and
// numeric, every receipt of an order the state holds.
func checkPOS(st *state, orders map[int64]int) error {
	seen := map[int64]bool{}
	use := func(kind, id string) error {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 || seen[n] {
			return fmt.Errorf("%s %q is duplicated or not an id", kind, id)
		}
		seen[n] = true
		st.NextPOSID = max(st.NextPOSID, n+1)
		return nil
	}
	for _, rc := range st.Receipts {
		if err := use("terminal receipt", rc.ID); err != nil {
			return err
		}
		n, _ := strconv.ParseInt(rc.OrderID, 10, 64)
		if _, found := orders[n]; !found {
			return fmt.Errorf("terminal receipt %s is of order %s, which does not exist", rc.ID, rc.OrderID)
		}
	}
	for _, c := range st.Cashups {
		if err := use("cash-up", c.ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sim) listCashups(r *http.Request, _ []string, _ []byte) reply {
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, s.state.Cashups, func(c Cashup) any { return cashupJSON(r, c) }))
}

func (s *Sim) getCashup(r *http.Request, ids []string, _ []byte) reply {
	for _, c := range s.state.Cashups {
		if c.ID == ids[0] {
			return ok(cashupJSON(r, c))
		}
	}
	return notFound("cash-up", ids[0])
}

func (s *Sim) listReceipts(r *http.Request, _ []string, _ []byte) reply {
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	return ok(page(r, pg, s.state.Receipts, func(rc TerminalReceipt) any { return receiptJSON(r, rc) }))
}

func (s *Sim) getReceipt(r *http.Request, ids []string, _ []byte) reply {
	for _, rc := range s.state.Receipts {
		if rc.ID == ids[0] {
			return ok(receiptJSON(r, rc))
		}
	}
	return notFound("terminal receipt", ids[0])
}

func (s *Sim) listOrderReceipts(r *http.Request, ids []string, _ []byte) reply {
	if _, found := s.findOrder(ids[0]); !found {
		return notFound("order", ids[0])
	}
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	var mine []TerminalReceipt
	for _, rc := range s.state.Receipts {
		if rc.OrderID == ids[0] {
			mine = append(mine, rc)
		}
	}
	return ok(page(r, pg, mine, func(rc TerminalReceipt) any { return receiptJSON(r, rc) }))
}

func receiptJSON(r *http.Request, rc TerminalReceipt) map[string]any {
	orderID, _ := strconv.ParseInt(rc.OrderID, 10, 64)
	id, _ := strconv.ParseInt(rc.ID, 10, 64)
	return map[string]any{
		"id":          id,
		"href":        href(r, "/terminalreceipts/"+rc.ID+"/"),
		"order_id":    orderID,
		"order":       map[string]any{"href": href(r, "/orders/"+rc.OrderID+"/")},
		"create_date": rc.CreatedAt.UTC().Format(dateTime),
		"amount":      money(rc.Amount),
		"currency":    cmp.Or(rc.Amount.Currency, "EUR"),
		"brand":       rc.Brand,
		"status":      rc.Status,
		"receipt":     rc.Text,
	}
}

func cashupJSON(r *http.Request, c Cashup) map[string]any {
	id, _ := strconv.ParseInt(c.ID, 10, 64)
	var end any
	if !c.End.IsZero() {
		end = c.End.UTC().Format(dateTime)
	}
	balances := []any{}
	for _, b := range c.Balances {
		var counted any
		if b.Counted != nil {
			counted = money(*b.Counted)
		}
		balances = append(balances, map[string]any{"paymethod": b.PaymentMethod, "expected": money(b.Expected), "counted": counted})
	}
	vat := []any{}
	for _, v := range c.VATTotals {
		vat = append(vat, map[string]any{"percentage": cents2(int64(v.VAT)), "total": money(v.Total), "tax": money(v.Tax)})
	}
	return map[string]any{
		"id":           id,
		"href":         href(r, "/cashups/"+c.ID+"/"),
		"number_full":  c.Number,
		"create_date":  c.CreatedAt.UTC().Format(dateTime),
		"start_period": c.Start.UTC().Format(dateTime),
		"end_period":   end,
		"status":       c.Status,
		"balances":     balances,
		"vat_totals":   vat,
	}
}
