package salespos

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/model"
)

// The POS-only resources a sync reads: cash-ups (a till's count at the
// end of a period) and terminal receipts (a payment terminal's receipt of
// an order). Both are read-only here; the API can also open and close
// cash-ups and add receipts, which is the till's business. Paths and
// fields are in assumptions.go.

// Cashup is a cash-up.
type Cashup struct {
	ID     string
	Number string // number_full
	// CreatedAt and Start are when it was made and the start of its period;
	// End is the end of the period, zero while the cash-up is open.
	CreatedAt, Start, End time.Time
	// Status is CashupOpen, CashupClosed or CashupConfirmed (or what the
	// till sends).
	Status    string
	Balances  []CashupBalance
	VATTotals []CashupVAT
}

// CashupBalance is what one payment method should hold and what was
// counted (nil: not counted yet).
type CashupBalance struct {
	PaymentMethod string
	Expected      model.Money
	Counted       *model.Money
}

// CashupVAT is the turnover of one VAT rate, including VAT, and its VAT.
type CashupVAT struct {
	VAT   model.VATRate
	Total model.Money
	Tax   model.Money
}

// TerminalReceipt is a payment terminal's receipt of an order's payment.
type TerminalReceipt struct {
	ID, OrderID string
	CreatedAt   time.Time
	Amount      model.Money
	Brand       string
	Status      string
	// Text is the receipt as the terminal printed it.
	Text string
}

// PageQuery asks for one page of a listing.
type PageQuery struct {
	// PageToken continues a listing; empty starts at the first page.
	PageToken string
	// PageSize is a hint, clamped to the largest page.
	PageSize int
}

// CashupPage is one page of cash-ups; NextPageToken is empty on the last.
type CashupPage struct {
	Cashups       []Cashup
	NextPageToken string
}

// TerminalReceiptPage is one page of terminal receipts.
type TerminalReceiptPage struct {
	Receipts      []TerminalReceipt
	NextPageToken string
}

// ListCashups lists the cash-ups, one page per call, oldest first.
func (c *Client) ListCashups(ctx context.Context, q PageQuery) (CashupPage, error) {
	items, next, err := c.listPage(ctx, OpListCashups, PathCashups, q)
	if err != nil {
		return CashupPage{}, err
	}
	out := CashupPage{Cashups: []Cashup{}, NextPageToken: next}
	for _, raw := range items {
		cu, err := c.readCashup(OpListCashups, raw)
		if err != nil {
			return CashupPage{}, err
		}
		out.Cashups = append(out.Cashups, cu)
	}
	return out, nil
}

// GetCashup reads one cash-up.
func (c *Client) GetCashup(ctx context.Context, id string) (Cashup, error) {
	n, err := c.posID(OpGetCashup, "cash-up", id)
	if err != nil {
		return Cashup{}, err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, OpGetCashup, fmt.Sprintf("%s%s%d/", ccvshop.APIPath, PathCashups, n), &raw); err != nil {
		return Cashup{}, err
	}
	return c.readCashup(OpGetCashup, raw)
}

// ListTerminalReceipts lists every terminal receipt, one page per call.
func (c *Client) ListTerminalReceipts(ctx context.Context, q PageQuery) (TerminalReceiptPage, error) {
	items, next, err := c.listPage(ctx, OpListTerminalReceipts, PathTerminalReceipts, q)
	if err != nil {
		return TerminalReceiptPage{}, err
	}
	out := TerminalReceiptPage{Receipts: []TerminalReceipt{}, NextPageToken: next}
	for _, raw := range items {
		rc, err := c.readReceipt(OpListTerminalReceipts, raw)
		if err != nil {
			return TerminalReceiptPage{}, err
		}
		out.Receipts = append(out.Receipts, rc)
	}
	return out, nil
}

// GetTerminalReceipt reads one terminal receipt.
func (c *Client) GetTerminalReceipt(ctx context.Context, id string) (TerminalReceipt, error) {
	n, err := c.posID(OpGetTerminalReceipt, "terminal receipt", id)
	if err != nil {
		return TerminalReceipt{}, err
	}
	var raw json.RawMessage
	if err := c.Get(ctx, OpGetTerminalReceipt, fmt.Sprintf("%s%s%d/", ccvshop.APIPath, PathTerminalReceipts, n), &raw); err != nil {
		return TerminalReceipt{}, err
	}
	return c.readReceipt(OpGetTerminalReceipt, raw)
}

// OrderTerminalReceipts reads every terminal receipt of one order.
func (c *Client) OrderTerminalReceipts(ctx context.Context, orderID string) ([]TerminalReceipt, error) {
	n, err := c.posID(OpListOrderTerminalReceipt, "order", orderID)
	if err != nil {
		return nil, err
	}
	out := []TerminalReceipt{}
	q := PageQuery{PageSize: ccvshop.MaxPageSize}
	for {
		items, next, err := c.listPage(ctx, OpListOrderTerminalReceipt, fmt.Sprintf(PathOrderTerminalReceipts, n), q)
		if err != nil {
			return nil, err
		}
		for _, raw := range items {
			rc, err := c.readReceipt(OpListOrderTerminalReceipt, raw)
			if err != nil {
				return nil, err
			}
			out = append(out, rc)
		}
		if next == "" {
			return out, nil
		}
		q.PageToken = next
	}
}

// listPage reads one page of a POS collection at path (under the API).
func (c *Client) listPage(ctx context.Context, op, path string, q PageQuery) ([]json.RawMessage, string, error) {
	uri := q.PageToken
	if uri == "" {
		uri = fmt.Sprintf("%s%s?orderby=id&start=0&size=%d", ccvshop.APIPath, path, c.PageSize(q.PageSize))
	}
	page, err := c.ListPage(ctx, op, uri)
	return page.Items, page.Next, err
}

func (c *Client) posID(op, what, id string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return 0, &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op,
			Message: fmt.Sprintf("%s id %q is not a SalesPOS id (a positive number)", what, id)}
	}
	return n, nil
}

// reader collects every problem of one record, so one error names them all.
type reader struct {
	cur      string
	problems []string
}

func (r *reader) money(n json.Number, field string) model.Money {
	v, err := model.ParseMinor(n.String(), 2)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s: %q is not an amount", field, n))
	}
	return model.NewMoney(v, r.cur)
}

func (r *reader) time(s, field string) time.Time {
	t, err := ccvshop.ParseTime(s)
	if err != nil {
		r.problems = append(r.problems, field+": "+err.Error())
	}
	return t
}

// err is the record's problems as one error: an answer the connector
// cannot read, so the call failed.
func (r *reader) err(system, op, record string) error {
	if len(r.problems) == 0 {
		return nil
	}
	return &connectors.Error{Kind: connectors.KindUnavailable, System: system, Op: op,
		Message: fmt.Sprintf("%s cannot be read: %s", record, strings.Join(r.problems, "; "))}
}

func (c *Client) readCashup(op string, raw json.RawMessage) (Cashup, error) {
	var w wireCashup
	if err := json.Unmarshal(raw, &w); err != nil {
		return Cashup{}, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op,
			Message: "a cash-up is not the expected JSON: " + err.Error()}
	}
	r := reader{cur: c.Currency()}
	out := Cashup{ID: strconv.FormatInt(w.ID, 10), Number: w.NumberFull, Status: w.Status,
		CreatedAt: r.time(w.CreateDate, "create_date"), Start: r.time(w.StartPeriod, "start_period")}
	if w.EndPeriod != nil && *w.EndPeriod != "" {
		out.End = r.time(*w.EndPeriod, "end_period")
	}
	for i, b := range w.Balances {
		bal := CashupBalance{PaymentMethod: b.Paymethod, Expected: r.money(b.Expected, fmt.Sprintf("balances[%d].expected", i))}
		if b.Counted != nil {
			counted := r.money(*b.Counted, fmt.Sprintf("balances[%d].counted", i))
			bal.Counted = &counted
		}
		out.Balances = append(out.Balances, bal)
	}
	for i, v := range w.VATTotals {
		rate, err := model.ParseMinor(v.Percentage.String(), 2)
		if err != nil {
			r.problems = append(r.problems, fmt.Sprintf("vat_totals[%d].percentage: %q is not a percentage", i, v.Percentage))
		}
		out.VATTotals = append(out.VATTotals, CashupVAT{VAT: model.VATRate(rate),
			Total: r.money(v.Total, fmt.Sprintf("vat_totals[%d].total", i)), Tax: r.money(v.Tax, fmt.Sprintf("vat_totals[%d].tax", i))})
	}
	return out, r.err(System, op, "cash-up "+out.ID)
}

func (c *Client) readReceipt(op string, raw json.RawMessage) (TerminalReceipt, error) {
	var w wireReceipt
	if err := json.Unmarshal(raw, &w); err != nil {
		return TerminalReceipt{}, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op,
			Message: "a terminal receipt is not the expected JSON: " + err.Error()}
	}
	r := reader{cur: strings.ToUpper(strings.TrimSpace(w.Currency))}
	if r.cur == "" {
		r.cur = c.Currency()
	}
	out := TerminalReceipt{ID: strconv.FormatInt(w.ID, 10), OrderID: strconv.FormatInt(w.OrderID, 10),
		CreatedAt: r.time(w.CreateDate, "create_date"), Amount: r.money(w.Amount, "amount"),
		Brand: w.Brand, Status: w.Status, Text: w.Receipt}
	return out, r.err(System, op, "terminal receipt "+out.ID)
}
