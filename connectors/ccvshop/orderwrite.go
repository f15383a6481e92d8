package ccvshop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Writing orders, and the customer accounts they are booked on, through
// POST /orders/ and /users/ (research §1.6.4, §1.6.5). This is CCV's REST
// framework, so it lives here; it is a type of its own rather than methods
// of Client because CCV Shop is registered as no order target (its
// registration, conformance run and docs say so). A flavour that is one
// (package salespos) embeds an OrderWriter beside its Client.

// Operation names of the writes, as Observe reports them and the
// simulator's faults match them.
const (
	OpCreateOrder = "POST /orders"
	OpCreateUser  = "POST /users"
	OpUpdateUser  = "PATCH /users/{id}"
)

// OrderWriterConfig holds what CCV does not document about finding an
// order the client wrote: CCV has no idempotency key (research §1.11), so
// the natural key is written to an order property and looked up by a
// listing filter before every create. Both are the flavour's assumptions.
type OrderWriterConfig struct {
	// KeyField is the order property the natural key is written to and
	// read back from (reservationnumber).
	KeyField string
	// KeyFilter is the GET /orders/ query parameter that selects orders by
	// that property. The writer matches KeyField exactly on what the
	// listing returns, so a server that ignored the filter would cost
	// pages, never a wrong match.
	KeyFilter string
}

// OrderWriter writes orders and customer accounts for one Client: it is a
// connectors.OrderTarget, CustomerTarget, ProductLookup, TotalBooker and
// CurrencyTarget. Every call goes through the Client (its signing, pacing
// and errors).
type OrderWriter struct {
	c   *Client
	cfg OrderWriterConfig
}

var (
	_ connectors.OrderTarget    = (*OrderWriter)(nil)
	_ connectors.CustomerTarget = (*OrderWriter)(nil)
	_ connectors.ProductLookup  = (*OrderWriter)(nil)
	_ connectors.TotalBooker    = (*OrderWriter)(nil)
	_ connectors.CurrencyTarget = (*OrderWriter)(nil)
)

// NewOrderWriter builds the writer of c's orders.
func NewOrderWriter(c *Client, cfg OrderWriterConfig) (*OrderWriter, error) {
	if c == nil {
		return nil, errors.New("ccvshop: NewOrderWriter needs a client")
	}
	var problems []string
	if strings.TrimSpace(cfg.KeyField) == "" {
		problems = append(problems, "the order property that holds the natural key is not set")
	}
	if strings.TrimSpace(cfg.KeyFilter) == "" {
		problems = append(problems, "the order listing's filter on the natural key is not set")
	}
	if len(problems) > 0 {
		return nil, &connectors.Error{Kind: connectors.KindConfig, System: c.system(), Op: "configure", Message: strings.Join(problems, "; ")}
	}
	return &OrderWriter{c: c, cfg: cfg}, nil
}

// Currency is the currency orders are booked in (Config.Currency); an
// order in another fails before anything is written.
func (w *OrderWriter) Currency() string { return w.c.cfg.Currency }

func (w *OrderWriter) fail(kind connectors.ErrorKind, op, format string, args ...any) error {
	return &connectors.Error{Kind: kind, System: w.c.system(), Op: op, Message: fmt.Sprintf(format, args...)}
}

// checkKind accepts orders: CCV writes no invoices of its own through the API.
func (w *OrderWriter) checkKind(op string, k connectors.OrderKind) error {
	if k != "" && k != connectors.KindOrder {
		return w.fail(connectors.KindConfig, op, "%s writes orders only, not %q; set orderType: order", w.c.system(), k)
	}
	return nil
}

// FindOrder finds the order written under externalID: the first (lowest
// id) order whose KeyField is exactly the key.
func (w *OrderWriter) FindOrder(ctx context.Context, externalID string, kind connectors.OrderKind) (connectors.TargetOrder, bool, error) {
	if err := w.checkKind(OpListOrders, kind); err != nil {
		return connectors.TargetOrder{}, false, err
	}
	key := strings.TrimSpace(externalID)
	if key == "" {
		return connectors.TargetOrder{}, false, w.fail(connectors.KindValidation, OpListOrders, "the order's external id is empty")
	}
	v := url.Values{w.cfg.KeyFilter: {key}, "orderby": {"id"}, "start": {"0"}, "size": {strconv.Itoa(w.c.cfg.MaxPageSize)}}
	uri := APIPath + "/orders/?" + v.Encode()
	for uri != "" {
		page, err := w.c.ListPage(ctx, OpListOrders, uri)
		if err != nil {
			return connectors.TargetOrder{}, false, err
		}
		for _, raw := range page.Items {
			var fields map[string]json.RawMessage
			var o wireOrder
			if json.Unmarshal(raw, &fields) != nil || json.Unmarshal(raw, &o) != nil {
				return connectors.TargetOrder{}, false, w.fail(connectors.KindUnavailable, OpListOrders, "a listed order is not the expected JSON")
			}
			if jsonText(fields[w.cfg.KeyField]) == key {
				return connectors.TargetOrder{ID: strconv.FormatInt(o.ID, 10), Number: o.number(), Kind: connectors.KindOrder}, true, nil
			}
		}
		uri = page.Next
	}
	return connectors.TargetOrder{}, false, nil
}

// jsonText reads a JSON string or number as text; null and anything else is "".
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// CreateOrder writes the draft with POST /orders/, its natural key in
// KeyField, after looking it up: a draft written before is a KindConflict
// error naming that order. A lost answer is KindUnavailable; the flow's
// retry looks the order up again before it writes. When the API answers
// the POST without a body (it sometimes does, §1.9) the order is looked up
// by its key.
//
// Every line must name a product of the shop (ProductIDs, from
// LookupProducts): a row without product_id would need a shipping package.
// The body is in orderBody.
func (w *OrderWriter) CreateOrder(ctx context.Context, d connectors.OrderDraft) (connectors.TargetOrder, error) {
	if err := w.checkKind(OpCreateOrder, d.Kind); err != nil {
		return connectors.TargetOrder{}, err
	}
	body, _, err := w.orderBody(d, true)
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	if have, found, err := w.FindOrder(ctx, d.ExternalID, d.Kind); err != nil {
		return connectors.TargetOrder{}, err
	} else if found {
		return connectors.TargetOrder{}, w.fail(connectors.KindConflict, OpCreateOrder,
			"order %s was written before, as order %s (id %s)", d.ExternalID, have.Number, have.ID)
	}
	var created wireOrder
	if _, err := w.c.send(ctx, OpCreateOrder, http.MethodPost, APIPath+"/orders/", body, &created); err != nil {
		return connectors.TargetOrder{}, err
	}
	if created.ID > 0 {
		return connectors.TargetOrder{ID: strconv.FormatInt(created.ID, 10), Number: created.number(), Kind: connectors.KindOrder}, nil
	}
	ref, found, err := w.FindOrder(ctx, d.ExternalID, d.Kind)
	switch {
	case err != nil:
		return connectors.TargetOrder{}, err
	case !found:
		return connectors.TargetOrder{}, w.fail(connectors.KindUnavailable, OpCreateOrder,
			"the order was accepted without an answer and cannot be found by its key %s yet", d.ExternalID)
	}
	return ref, nil
}

// BookedTotal is what the order CreateOrder writes adds up to: the rows at
// their net price times the count (VAT added per row, rounded half away
// from zero, when the prices exclude it), plus shipping and the extra costs,
// which are sent including VAT. It needs no product ids.
func (w *OrderWriter) BookedTotal(_ context.Context, d connectors.OrderDraft) (model.Money, error) {
	_, total, err := w.orderBody(d, false)
	return total, err
}

// orderBody builds the POST /orders/ body (research §1.6.5) and the total
// it books. withProducts: every row names its product (the write); the
// total needs none.
//
//   - Rows: price is the net unit price (after the line's discount) and no
//     discount is sent. The create schema calls price the "sell price" while
//     an order read back has price before discount [A]; the net price books
//     the same total under either reading.
//   - Shipping (total_shipping) and the order's adjustments (summed into
//     extra_costs, negative for a discount, §1.6.5) are sent including VAT
//     with shipping_taxes_included: the create body has no rate for them,
//     so the shop could not add VAT to them the way the source did.
//   - The customer: user_id is the draft's CustomerID (an account id); the
//     order's own buyer, when it has one, goes along as customer
//     (Personalinfo, which overrides the account's data on the order).
//   - Paid and the status code of the order's status; the payment method
//     has no create field and is not written.
func (w *OrderWriter) orderBody(d connectors.OrderDraft, withProducts bool) (map[string]any, model.Money, error) {
	o := d.Order
	cur := strings.ToUpper(strings.TrimSpace(o.Currency))
	if cur == "" {
		cur = w.c.cfg.Currency
	}
	if cur != w.c.cfg.Currency {
		return nil, model.Money{}, w.fail(connectors.KindValidation, OpCreateOrder, "order %s is in %s; the account books in %s", orderLabel(o), cur, w.c.cfg.Currency)
	}
	if len(o.Lines) == 0 {
		return nil, model.Money{}, w.fail(connectors.KindValidation, OpCreateOrder, "order %s has no lines", orderLabel(o))
	}
	incl := o.PricesIncludeVAT
	var total int64
	rows := make([]map[string]any, 0, len(o.Lines))
	for i, l := range o.Lines {
		if l.Quantity == 0 {
			return nil, model.Money{}, w.fail(connectors.KindValidation, OpCreateOrder, "order %s, line %d (%s): the quantity is zero", orderLabel(o), i+1, l.SKU)
		}
		amount := l.LineTotal().Amount
		if !incl {
			amount += divRound(amount*int64(l.VAT), 10000)
		}
		total += amount
		row := map[string]any{
			"product_name": l.Name,
			"count":        json.Number(l.Quantity.String()),
			"price":        json.Number(model.FormatMinor(l.NetUnitPrice().Amount, 2)),
			"tax":          json.Number(model.FormatMinor(int64(l.VAT), 2)),
		}
		if withProducts {
			pid, cid, err := ParseProductRef(d.ProductIDs[l.SKU])
			if err != nil {
				return nil, model.Money{}, w.fail(connectors.KindValidation, OpCreateOrder,
					"order %s, line %d: SKU %q is no product of the account (%v); create it there first", orderLabel(o), i+1, l.SKU, err)
			}
			row["product_id"] = pid
			if cid > 0 {
				row["attribute_combination_id"] = cid
			}
		}
		rows = append(rows, row)
	}
	shipping := w.inclusive(o.ShippingCost.Amount, o.ShippingVAT, incl)
	total += shipping
	var extra int64
	var descriptions []string
	for _, a := range o.Adjustments {
		extra += w.inclusive(a.Amount.Amount, a.VAT, incl)
		if s := strings.TrimSpace(a.Description); s != "" {
			descriptions = append(descriptions, s)
		}
	}
	total += extra
	body := map[string]any{
		w.cfg.KeyField:             strings.TrimSpace(d.ExternalID),
		"is_completed":             true,
		"paid":                     o.Paid,
		"currency":                 cur,
		"taxes_included":           incl,
		"order_row_taxes_included": incl,
		"shipping_taxes_included":  true,
		"total_shipping":           json.Number(model.FormatMinor(shipping, 2)),
		"orderrows":                rows,
	}
	if len(o.Adjustments) > 0 {
		body["extra_costs"] = json.Number(model.FormatMinor(extra, 2))
		body["extra_costs_description"] = strings.Join(descriptions, ", ")
	}
	if code := StatusCode(o.Status); code > 0 {
		body["status"] = code
	}
	if id := strings.TrimSpace(d.CustomerID); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return nil, model.Money{}, w.fail(connectors.KindValidation, OpCreateOrder, "customer id %q is not a user id of the account (a positive number)", id)
		}
		body["user_id"] = n
	}
	if hasBuyer(o.Customer) {
		body["customer"] = personalInfo(o.Customer)
	}
	return body, model.NewMoney(total, cur), nil
}

// inclusive states an amount including VAT: as it is when the order's
// prices include VAT, else with the VAT at rate added, rounded half away
// from zero (the same rounding a row gets).
func (w *OrderWriter) inclusive(amount int64, rate model.VATRate, incl bool) int64 {
	if incl {
		return amount
	}
	return convertVAT(amount, rate, true)
}

func orderLabel(o model.Order) string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID
}

// ProductRef is how LookupProducts names a SKU's place: the product id, or
// "<product id>/<attribute combination id>" for a variant.
func ProductRef(productID, combinationID int64) string {
	if combinationID > 0 {
		return fmt.Sprintf("%d/%d", productID, combinationID)
	}
	return strconv.FormatInt(productID, 10)
}

// ParseProductRef reads a ProductRef.
func ParseProductRef(ref string) (productID, combinationID int64, err error) {
	p, cb, variant := strings.Cut(strings.TrimSpace(ref), "/")
	if productID, err = strconv.ParseInt(p, 10, 64); err != nil || productID <= 0 {
		return 0, 0, fmt.Errorf("%q is not a product reference", ref)
	}
	if variant {
		if combinationID, err = strconv.ParseInt(cb, 10, 64); err != nil || combinationID <= 0 {
			return 0, 0, fmt.Errorf("%q is not a product reference", ref)
		}
	}
	return productID, combinationID, nil
}

// LookupProducts finds each SKU as a product number or a variant's
// sku_number (the SKU index of stock.go) and returns its ProductRef; a SKU
// missing from the map is not in the shop.
func (w *OrderWriter) LookupProducts(ctx context.Context, skus []string) (map[string]string, error) {
	var want []string
	for _, s := range skus {
		if s = strings.TrimSpace(s); s != "" {
			want = append(want, s)
		}
	}
	where, err := w.c.lookupSKUs(ctx, want)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(where))
	for sku, e := range where {
		out[sku] = ProductRef(e.productID, e.combinationID)
	}
	return out, nil
}

// FindCustomer finds a customer account: by e-mail (userinfo.email, case
// aside) or by external id (the username CreateCustomer gives an account
// made for a source customer). GET /users/ has no filter for either
// (§1.6.4), so it pages through the accounts; the first (lowest id) wins.
func (w *OrderWriter) FindCustomer(ctx context.Context, m connectors.CustomerMatch) (*connectors.CustomerRecord, error) {
	value := strings.TrimSpace(m.Value)
	var match func(u wireUser) bool
	switch m.Field {
	case "email":
		match = func(u wireUser) bool { return strings.EqualFold(strings.TrimSpace(u.Userinfo.Email), value) }
	case "externalId":
		match = func(u wireUser) bool { return strings.TrimSpace(u.Username) == value }
	default:
		return nil, w.fail(connectors.KindConfig, OpListUsers, "customers are found by email or externalId, not %q", m.Field)
	}
	if value == "" {
		return nil, w.fail(connectors.KindValidation, OpListUsers, "the %s to find the customer by is empty", m.Field)
	}
	u, found, err := w.findUser(ctx, match)
	if err != nil || !found {
		return nil, err
	}
	cust := toCustomer(u.Userinfo)
	cust.ID = strconv.FormatInt(u.ID, 10)
	return &connectors.CustomerRecord{ID: cust.ID, Customer: cust}, nil
}

func (w *OrderWriter) findUser(ctx context.Context, match func(wireUser) bool) (wireUser, bool, error) {
	uri := fmt.Sprintf("%s/users/?orderby=id&start=0&size=%d", APIPath, w.c.cfg.MaxPageSize)
	for uri != "" {
		page, err := w.c.ListPage(ctx, OpListUsers, uri)
		if err != nil {
			return wireUser{}, false, err
		}
		for _, raw := range page.Items {
			var u wireUser
			if err := json.Unmarshal(raw, &u); err != nil {
				return wireUser{}, false, w.fail(connectors.KindUnavailable, OpListUsers, "a user cannot be read: %s", w.c.scrub(err.Error()))
			}
			if match(u) {
				return u, true, nil
			}
		}
		uri = page.Next
	}
	return wireUser{}, false, nil
}

// CreateCustomer makes a customer account (POST /users/). Its username,
// unique in the shop, is the customer's external id when it has one, else
// its e-mail address; its password is random, as nobody logs in with it
// (the API requires one, §1.4). A username that is taken is a KindConflict
// error.
func (w *OrderWriter) CreateCustomer(ctx context.Context, c model.Customer) (string, error) {
	username := strings.TrimSpace(c.ID)
	if username == "" {
		username = strings.ToLower(strings.TrimSpace(c.Email))
	}
	if username == "" {
		return "", w.fail(connectors.KindValidation, OpCreateUser, "a customer account needs an e-mail address or an external id for its username")
	}
	password, err := randomPassword()
	if err != nil {
		return "", w.fail(connectors.KindUnavailable, OpCreateUser, "no random password: %v", err)
	}
	body := map[string]any{"username": username, "password": password, "userinfo": personalInfo(c)}
	var created wireUser
	if _, err := w.c.send(ctx, OpCreateUser, http.MethodPost, APIPath+"/users/", body, &created); err != nil {
		var ce *connectors.Error
		if errors.As(err, &ce) && strings.HasSuffix(ce.Code, ".40") { // 500.40: property already exists (§1.9)
			ce.Kind = connectors.KindConflict
		}
		return "", err
	}
	if created.ID > 0 {
		return strconv.FormatInt(created.ID, 10), nil
	}
	u, found, err := w.findUser(ctx, func(u wireUser) bool { return strings.EqualFold(strings.TrimSpace(u.Username), username) })
	switch {
	case err != nil:
		return "", err
	case !found:
		return "", w.fail(connectors.KindUnavailable, OpCreateUser, "the account was accepted without an answer and cannot be found yet")
	}
	return strconv.FormatInt(u.ID, 10), nil
}

// UpdateCustomer replaces an account's personal info (PATCH /users/{id}/).
func (w *OrderWriter) UpdateCustomer(ctx context.Context, id string, c model.Customer) error {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return w.fail(connectors.KindValidation, OpUpdateUser, "user id %q is not a user id of the account (a positive number)", id)
	}
	_, err = w.c.send(ctx, OpUpdateUser, http.MethodPatch, fmt.Sprintf("%s/users/%d/", APIPath, n), map[string]any{"userinfo": personalInfo(c)}, nil)
	return err
}

func randomPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// hasBuyer reports whether an order names its buyer at all (a sale at a
// till may not).
func hasBuyer(c model.Customer) bool {
	return strings.TrimSpace(c.Email) != "" || c.Person.FullName() != "" || strings.TrimSpace(c.CompanyName) != ""
}

// personalInfo renders a customer as Personalinfo (§1.6.3): billing and
// delivery address (the billing one when there is none), e-mail, customer
// type, VAT and Chamber of Commerce numbers.
func personalInfo(c model.Customer) map[string]any {
	kind := "b2c"
	if c.Kind == model.CustomerCompany {
		kind = "b2b"
	}
	delivery := c.Shipping
	if delivery.IsZero() {
		delivery = c.Billing
	}
	billing := addressBody(c.Billing, c)
	billing["first_name"], billing["last_name"] = strings.TrimSpace(c.Person.FirstName), strings.TrimSpace(c.Person.LastName)
	if billing["company"] == "" {
		billing["company"] = strings.TrimSpace(c.CompanyName)
	}
	out := map[string]any{
		"billingaddress":  billing,
		"deliveryaddress": addressBody(delivery, c),
		"email":           strings.TrimSpace(c.Email),
		"customertype":    kind,
	}
	if v := strings.TrimSpace(c.VATNumber); v != "" {
		out["btw"] = v
	}
	if v := strings.TrimSpace(c.CoCNumber); v != "" {
		out["kvk"] = v
	}
	return out
}

// addressBody renders an address: street and a numeric house number where
// the address has them (housenumber is an int, §1.6.3), else the street
// line in address_line_1.
func addressBody(a model.Address, c model.Customer) map[string]any {
	out := map[string]any{
		"full_name":    strings.TrimSpace(a.Name),
		"company":      strings.TrimSpace(a.Company),
		"zipcode":      strings.TrimSpace(a.PostalCode),
		"city":         strings.TrimSpace(a.City),
		"province":     strings.TrimSpace(a.Region),
		"country_code": strings.ToUpper(strings.TrimSpace(a.CountryCode)),
		"telephone":    firstNonEmpty(a.Phone, c.Phone),
		"mobile":       strings.TrimSpace(c.Mobile),
	}
	if n, err := strconv.Atoi(strings.TrimSpace(a.HouseNumber)); err == nil {
		out["street"], out["housenumber"], out["housenumber_suffix"] = strings.TrimSpace(a.Street), n, strings.TrimSpace(a.HouseNumberSuffix)
		if a.Line2 != "" {
			out["address_line_2"] = strings.TrimSpace(a.Line2)
		}
	} else if line := a.StreetLine(); line != "" || a.Line2 != "" {
		out["address_line_1"], out["address_line_2"] = line, strings.TrimSpace(a.Line2)
	}
	return out
}
