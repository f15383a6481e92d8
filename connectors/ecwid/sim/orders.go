package sim

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koppel/koppel/connectors/simkit"
)

// paging reads offset and limit (§3.4): default and maximum 100, a larger
// limit cut to it.
var paging = simkit.Paging{OffsetParam: "offset", SizeParam: "limit", DefaultSize: MaxLimit, MaxSize: MaxLimit}

func (c *call) page() (simkit.Page, *apiError) {
	pg, err := paging.Parse(c.q.Values)
	if pe, ok := errors.AsType[*simkit.PagingError](err); ok {
		return pg, wrongParam(pe.Param, "%q %s", pe.Value, pe.Reason)
	} else if err != nil {
		return pg, wrongParam("offset", "%v", err)
	}
	return pg, nil
}

// answerPage cuts a page of items and renders it as a search answer.
func answerPage[T, O any](pg simkit.Page, items []T, render func(T) O) page[O] {
	out := page[O]{Total: len(items), Offset: pg.Offset, Limit: pg.Size, Items: []O{}}
	for _, it := range simkit.Slice(items, pg) {
		out.Items = append(out.Items, render(it))
	}
	out.Count = len(out.Items)
	return out
}

func orderNotFound(ref string) *apiError {
	return fail(http.StatusNotFound, CodeOrderNotFound, "Order with ID %s was not found", ref)
}

func (s *Sim) searchOrders(c *call) (any, *apiError) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	f, err := s.orderFilter(c.q)
	if err != nil {
		return nil, err
	}
	var match []*Order
	for _, o := range s.st.Orders {
		if f(o) {
			match = append(match, o)
		}
	}
	// Newest first (§3.4 [A]).
	slices.SortStableFunc(match, func(a, b *Order) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.InternalID, a.InternalID))
	})
	return answerPage(pg, match, s.orderJSON), nil
}

// orderFilter reads the search's filters (§3.3) into one predicate.
func (s *Sim) orderFilter(q query) (func(*Order) bool, *apiError) {
	var tests []func(*Order) bool
	add := func(t func(*Order) bool) { tests = append(tests, t) }
	if ids := q.list("ids"); len(ids) > 0 {
		add(func(o *Order) bool {
			return slices.ContainsFunc(ids, func(id string) bool { return s.findOrderLocked(id) == o })
		})
	}
	if email := q.Get("email"); email != "" {
		add(func(o *Order) bool { return strings.EqualFold(o.Email, email) })
	}
	if n, set, err := q.integer("customerId"); err != nil {
		return nil, err
	} else if set {
		add(func(o *Order) bool { return o.CustomerID == n })
	}
	products, err := q.ids("productId")
	if err != nil {
		return nil, err
	}
	if len(products) > 0 {
		add(func(o *Order) bool {
			return slices.ContainsFunc(o.Items, func(it OrderItem) bool { return slices.Contains(products, it.ProductID) })
		})
	}
	for _, bound := range []struct {
		name  string
		lower bool
	}{{"totalFrom", true}, {"totalTo", false}} {
		v := q.Get(bound.name)
		if v == "" {
			continue
		}
		m, perr := parseMoney(jsonNumber(v), s.prec())
		if perr != nil {
			return nil, wrongParam(bound.name, "expected an amount, got %q", v)
		}
		lower := bound.lower
		add(func(o *Order) bool { return (lower && o.Total >= m) || (!lower && o.Total <= m) })
	}
	created, err := q.window("createdFrom", "createdTo")
	if err != nil {
		return nil, err
	}
	updated, err := q.window("updatedFrom", "updatedTo")
	if err != nil {
		return nil, err
	}
	add(func(o *Order) bool { return created.holds(o.Created) && updated.holds(o.Updated) })
	payment := q.list("paymentStatus")
	if err := oneOf("paymentStatus", payment, PaymentStatuses); err != nil {
		return nil, err
	}
	if len(payment) > 0 {
		add(func(o *Order) bool { return slices.Contains(payment, o.PaymentStatus) })
	} else {
		// Unfinished orders only when asked for (§3.5).
		add(func(o *Order) bool { return o.PaymentStatus != Unfinished })
	}
	fulfillment := q.list("fulfillmentStatus")
	if err := oneOf("fulfillmentStatus", fulfillment, FulfillmentStatuses); err != nil {
		return nil, err
	}
	if len(fulfillment) > 0 {
		add(func(o *Order) bool { return slices.Contains(fulfillment, o.FulfillmentStatus) })
	}
	if kw := strings.ToLower(strings.TrimSpace(q.Get("keywords"))); kw != "" {
		add(func(o *Order) bool { return keywordsMatch(o, kw) })
	}
	for name, field := range map[string]func(*Order) string{
		"paymentMethod":  func(o *Order) string { return o.PaymentMethod },
		"paymentModule":  func(o *Order) string { return o.PaymentModule },
		"shippingMethod": func(o *Order) string { return shippingMethod(o) },
		"refererId":      func(o *Order) string { return o.RefererID },
		"couponCode":     func(o *Order) string { return couponCode(o) },
	} {
		if v := q.Get(name); v != "" {
			add(func(o *Order) bool { return strings.EqualFold(field(o), v) })
		}
	}
	if v, set, err := q.boolean("acceptMarketing"); err != nil {
		return nil, err
	} else if set {
		add(func(o *Order) bool { return o.AcceptMarketing == v })
	}
	return func(o *Order) bool {
		for _, t := range tests {
			if !t(o) {
				return false
			}
		}
		return true
	}, nil
}

func shippingMethod(o *Order) string {
	if o.ShippingOption == nil {
		return ""
	}
	return o.ShippingOption.MethodName
}

func couponCode(o *Order) string {
	if o.DiscountCoupon == nil {
		return ""
	}
	return o.DiscountCoupon.Code
}

// eachKeywordPart hands f the parts of the text keywords search in (§3.3)
// until f says stop; it says whether f did.
func eachKeywordPart(o *Order, f func(string) (stop bool)) bool {
	for _, s := range [...]string{o.ID, o.Email, o.ExternalTransactionID, o.TrackingNumber, o.PrivateAdminNotes} {
		if f(s) {
			return true
		}
	}
	for _, p := range [...]*Person{o.BillingPerson, o.ShippingPerson} {
		if p == nil {
			continue
		}
		for _, s := range [...]string{p.Name, p.CompanyName, p.Street, p.City, p.PostalCode, p.CountryCode} {
			if f(s) {
				return true
			}
		}
	}
	for _, it := range o.Items {
		if f(it.SKU) || f(it.Name) {
			return true
		}
		for _, so := range it.SelectedOptions {
			if f(so.Name) || f(so.Value) {
				return true
			}
		}
	}
	return false
}

// keywordsMatch says whether the lower-case keywords kw occur in the order's
// text, case-insensitively. A search reads every order, so it looks part by
// part, without lower-casing copies where it can, instead of lower-casing
// the joined text each time: the same answer, as a keyword without the
// separator cannot span two parts.
func keywordsMatch(o *Order, kw string) bool {
	if strings.Contains(kw, "\x00") {
		var parts []string
		eachKeywordPart(o, func(s string) bool { parts = append(parts, s); return false })
		return strings.Contains(strings.ToLower(strings.Join(parts, "\x00")), kw)
	}
	return eachKeywordPart(o, func(s string) bool { return s != "" && containsLower(s, kw) })
}

// containsLower is strings.Contains(strings.ToLower(s), kw); for ASCII s,
// whose lower case has the same bytes but A-Z, it compares in place.
func containsLower(s, kw string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(s), kw)
		}
	}
	for i := 0; i+len(kw) <= len(s); i++ {
		j := 0
		for ; j < len(kw); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != kw[j] {
				break
			}
		}
		if j == len(kw) {
			return true
		}
	}
	return false
}

// oneOf checks a list's values against the allowed ones.
func oneOf(param string, values, allowed []string) *apiError {
	for _, v := range values {
		if !slices.Contains(allowed, v) {
			return wrongParam(param, "%q is not one of %s", v, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func (s *Sim) getOrder(c *call) (any, *apiError) {
	o := s.findOrderLocked(c.p.Get("orderId"))
	if o == nil {
		return nil, orderNotFound(c.p.Get("orderId"))
	}
	return s.orderJSON(o), nil
}

// lastOrder is the latest placed order; unfinished ones do not count.
func (s *Sim) lastOrder(*call) (any, *apiError) {
	var last *Order
	for _, o := range s.st.Orders {
		if o.PaymentStatus != Unfinished && (last == nil || !o.Created.Before(last.Created)) {
			last = o
		}
	}
	if last == nil {
		return nil, fail(http.StatusNotFound, CodeOrderNotFound, "The store has no orders")
	}
	return s.orderJSON(last), nil
}

func (s *Sim) createOrder(c *call) (any, *apiError) {
	var w orderWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	// Required by the docs (create-order: "Required").
	for _, req := range []struct {
		name  string
		given bool
	}{{"subtotal", w.Subtotal != nil}, {"total", w.Total != nil}, {"email", w.Email != nil && *w.Email != ""},
		{"paymentStatus", w.PaymentStatus != nil}, {"fulfillmentStatus", w.FulfillmentStatus != nil}} {
		if !req.given {
			return nil, wrongParam(req.name, "the field is required")
		}
	}
	now := s.now()
	o := &Order{PricesIncludeTax: s.st.Profile.PricesIncludeTax, B2BB2C: "b2c", Created: now}
	if w.CreateDate != nil {
		t, err := parseDate(*w.CreateDate)
		if err != nil {
			return nil, wrongParam("createDate", "%v", err)
		}
		o.Created = t
	}
	if err := s.applyOrderLocked(o, &w, true); err != nil {
		return nil, err
	}
	s.storeOrderLocked(o)
	c.events = append(c.events, s.orderEventLocked(o, "created", "", ""))
	return orderCreatedOut{ID: o.InternalID, OrderID: o.ID}, nil
}

// storeOrderLocked gives a new order its ids and stamps and keeps it.
func (s *Sim) storeOrderLocked(o *Order) {
	o.InternalID = s.nextIDLocked(kindOrder)
	o.ID = s.st.Profile.OrderPrefix + orderCode(o.InternalID) + s.st.Profile.OrderSuffix
	if o.Created.IsZero() {
		o.Created = s.now()
	}
	o.Created = o.Created.UTC().Truncate(time.Second)
	o.Updated = s.now()
	for i := range o.Items {
		o.Items[i].ID = s.nextIDLocked(kindItem)
	}
	s.st.Orders = append(s.st.Orders, o)
}

func (s *Sim) updateOrder(c *call) (any, *apiError) {
	o := s.findOrderLocked(c.p.Get("orderId"))
	if o == nil {
		return nil, orderNotFound(c.p.Get("orderId"))
	}
	var w orderWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	next := clone(*o)
	oldPay, oldFul := o.PaymentStatus, o.FulfillmentStatus
	if err := s.applyOrderLocked(&next, &w, false); err != nil {
		return nil, err
	}
	for i := range next.Items {
		if next.Items[i].ID == 0 {
			next.Items[i].ID = s.nextIDLocked(kindItem)
		}
	}
	next.Updated = s.now()
	*o = next
	c.events = append(c.events, s.orderEventLocked(o, "updated", oldPay, oldFul))
	return updateOut{UpdateCount: 1}, nil
}

func (s *Sim) deleteOrder(c *call) (any, *apiError) {
	o := s.findOrderLocked(c.p.Get("orderId"))
	if o == nil {
		return nil, orderNotFound(c.p.Get("orderId"))
	}
	s.st.Orders = slices.DeleteFunc(s.st.Orders, func(x *Order) bool { return x == o })
	c.events = append(c.events, s.orderEventLocked(o, "deleted", o.PaymentStatus, o.FulfillmentStatus))
	return deleteOut{DeleteCount: 1}, nil
}

// applyOrderLocked writes an order's written fields over o; create says
// it is a new order (item ids are handed out by the caller).
func (s *Sim) applyOrderLocked(o *Order, w *orderWrite, create bool) *apiError {
	cv := &conv{prec: s.prec()}
	if w.PaymentStatus != nil {
		cv.fail(oneOf("paymentStatus", []string{*w.PaymentStatus}, PaymentStatuses))
	}
	if w.FulfillmentStatus != nil {
		cv.fail(oneOf("fulfillmentStatus", []string{*w.FulfillmentStatus}, FulfillmentStatuses))
	}
	if w.B2BB2C != nil {
		cv.fail(oneOf("b2b_b2c", []string{*w.B2BB2C}, []string{"b2b", "b2c"}))
	}
	set(&o.Email, w.Email)
	set(&o.CustomerID, w.CustomerID)
	set(&o.PaymentStatus, w.PaymentStatus)
	set(&o.FulfillmentStatus, w.FulfillmentStatus)
	set(&o.PaymentMethod, w.PaymentMethod)
	set(&o.PaymentModule, w.PaymentModule)
	set(&o.Hidden, w.Hidden)
	set(&o.PricesIncludeTax, w.PricesIncludeTax)
	cv.money("subtotal", w.Subtotal, &o.Subtotal)
	cv.money("total", w.Total, &o.Total)
	cv.money("tax", w.Tax, &o.Tax)
	cv.money("discount", w.Discount, &o.Discount)
	cv.money("couponDiscount", w.CouponDiscount, &o.CouponDiscount)
	cv.money("volumeDiscount", w.VolumeDiscount, &o.VolumeDiscount)
	if w.DiscountInfo != nil {
		o.DiscountInfo = nil
		for _, d := range *w.DiscountInfo {
			var di DiscountInfo
			set(&di.Value, d.Value)
			set(&di.Type, d.Type)
			set(&di.Base, d.Base)
			set(&di.Description, d.Description)
			o.DiscountInfo = append(o.DiscountInfo, di)
		}
	}
	if d := w.DiscountCoupon; d != nil {
		cp := Coupon{}
		set(&cp.Name, d.Name)
		set(&cp.Code, d.Code)
		set(&cp.DiscountType, d.DiscountType)
		cv.money("discountCoupon.discount", d.Discount, &cp.Discount)
		o.DiscountCoupon = &cp
	}
	if w.TaxesOnShipping != nil {
		o.TaxesOnShipping = cv.taxes("taxesOnShipping", *w.TaxesOnShipping)
	}
	if f := w.HandlingFee; f != nil {
		h := HandlingFee{}
		set(&h.Name, f.Name)
		set(&h.Description, f.Description)
		cv.money("handlingFee.value", f.Value, &h.Value)
		h.Taxes = cv.taxes("handlingFee.taxes", f.Taxes)
		o.HandlingFee = &h
	}
	if w.CustomSurcharges != nil {
		o.Surcharges = nil
		for i, sw := range *w.CustomSurcharges {
			p := fmt.Sprintf("customSurcharges[%d]", i)
			sc := Surcharge{Type: "ABSOLUTE"}
			set(&sc.ID, sw.ID)
			set(&sc.Description, sw.Description)
			set(&sc.Type, sw.Type)
			set(&sc.Value, sw.Value)
			set(&sc.Taxable, sw.Taxable)
			switch {
			case sw.Total != nil:
				cv.money(p+".total", sw.Total, &sc.Total)
			case sc.Type == "ABSOLUTE":
				// An absolute surcharge's value is what it adds.
				cv.money(p+".value", sw.Value, &sc.Total)
			}
			sc.TotalWithoutTax = sc.Total
			cv.money(p+".totalWithoutTax", sw.TotalWithoutTax, &sc.TotalWithoutTax)
			sc.Taxes = cv.taxes(p+".taxes", sw.Taxes)
			o.Surcharges = append(o.Surcharges, sc)
		}
	}
	if w.Items != nil {
		o.Items = s.itemsLocked(cv, *w.Items, o)
	}
	applyPerson(&o.BillingPerson, w.BillingPerson)
	applyPerson(&o.ShippingPerson, w.ShippingPerson)
	if so := w.ShippingOption; so != nil {
		if o.ShippingOption == nil {
			o.ShippingOption = &ShippingOption{FulfillmentType: "SHIPPING"}
		}
		set(&o.ShippingOption.CarrierName, so.CarrierName)
		set(&o.ShippingOption.MethodName, so.MethodName)
		set(&o.ShippingOption.MethodID, so.MethodID)
		set(&o.ShippingOption.IsPickup, so.IsPickup)
		set(&o.ShippingOption.FulfillmentType, so.FulfillmentType)
		cv.price("shippingOption.shippingRate", so.Rate, &o.ShippingOption.Rate)
		if so.RateWithoutTax == nil && so.Rate != nil {
			o.ShippingOption.RateWithoutTax = o.ShippingOption.Rate // no tax known on it
		}
		cv.price("shippingOption.shippingRateWithoutTax", so.RateWithoutTax, &o.ShippingOption.RateWithoutTax)
	}
	set(&o.CustomerTaxExempt, w.CustomerTaxExempt)
	set(&o.CustomerTaxID, w.CustomerTaxID)
	set(&o.CustomerTaxIDValid, w.CustomerTaxIDValid)
	set(&o.ReversedTaxApplied, w.ReversedTaxApplied)
	set(&o.B2BB2C, w.B2BB2C)
	if d := w.ExternalOrderData; d != nil {
		set(&o.ExternalFulfillment, d.ExternalFulfillment)
		set(&o.ExternalOrderID, d.ExternalOrderID)
		set(&o.RefererID, d.RefererID)
	}
	set(&o.ExternalFulfillment, w.ExternalFulfill)
	set(&o.ExternalOrderID, w.ExternalOrderID)
	set(&o.RefererID, w.RefererID)
	set(&o.PrivateAdminNotes, w.PrivateAdminNotes)
	set(&o.OrderComments, w.OrderComments)
	set(&o.ExternalTransactionID, w.ExternalTxID)
	set(&o.TrackingNumber, w.TrackingNumber)
	set(&o.IPAddress, w.IPAddress)
	set(&o.AcceptMarketing, w.AcceptMarketing)
	set(&o.DisableNotifications, w.NoNotifications)
	set(&o.Lang, w.Lang)
	if cv.err != nil {
		return cv.err
	}
	// The amounts without tax are derived unless written (on an update,
	// only when what they derive from was written).
	sources := create || w.Items != nil || w.Subtotal != nil || w.Total != nil || w.Tax != nil || w.PricesIncludeTax != nil
	if w.SubtotalWithoutTax != nil {
		cv.money("subtotalWithoutTax", w.SubtotalWithoutTax, &o.SubtotalWithoutTax)
	} else if sources {
		o.SubtotalWithoutTax = o.Subtotal
		if o.PricesIncludeTax {
			for _, it := range o.Items {
				o.SubtotalWithoutTax -= it.Tax
			}
		}
	}
	if w.TotalWithoutTax != nil {
		cv.money("totalWithoutTax", w.TotalWithoutTax, &o.TotalWithoutTax)
	} else if sources {
		o.TotalWithoutTax = o.Total - o.Tax
	}
	return cv.err
}

// itemsLocked reads written items; an item keeps the id of the order's
// item it names, a new one gets 0 (the caller hands out ids).
func (s *Sim) itemsLocked(cv *conv, ws []itemWrite, o *Order) []OrderItem {
	out := make([]OrderItem, 0, len(ws))
	for i, w := range ws {
		p := fmt.Sprintf("items[%d]", i)
		var it OrderItem
		if w.ID != nil && slices.ContainsFunc(o.Items, func(x OrderItem) bool { return x.ID == *w.ID }) {
			it.ID = *w.ID
		}
		set(&it.ProductID, w.ProductID)
		set(&it.CombinationID, w.CombinationID)
		set(&it.CategoryID, w.CategoryID)
		set(&it.SKU, w.SKU)
		set(&it.Name, w.Name)
		set(&it.Weight, w.Weight)
		set(&it.ShippingNeeded, w.IsShippingRequired)
		if w.Quantity == nil || *w.Quantity < 1 {
			cv.fail(wrongParam(p+".quantity", "an item needs a quantity of at least 1"))
		} else {
			it.Quantity = *w.Quantity
		}
		cv.price(p+".price", w.Price, &it.Price)
		cv.money(p+".tax", w.Tax, &it.Tax)
		cv.money(p+".couponAmount", w.CouponAmount, &it.CouponAmount)
		it.ProductPrice = it.Price
		cv.price(p+".productPrice", w.ProductPrice, &it.ProductPrice)
		it.Taxes = cv.taxes(p+".taxes", w.Taxes)
		it.SelectedOptions = selectedOptions(w.SelectedOptions)
		switch {
		case w.PriceWithoutTax != nil:
			cv.price(p+".priceWithoutTax", w.PriceWithoutTax, &it.PriceWithoutTax)
		case o.PricesIncludeTax && it.Quantity > 0:
			it.PriceWithoutTax = it.Price - Money(divRound(int64(it.Tax), it.Quantity))
		default:
			it.PriceWithoutTax = it.Price
		}
		out = append(out, it)
	}
	return out
}

// orderJSON renders an order as the API answers it (§3.5).
func (s *Sim) orderJSON(o *Order) orderOut {
	p := s.prec()
	n := func(m Money) jsonNumber { return m.number(p) }
	out := orderOut{ID: o.ID, InternalID: o.InternalID, OrderNumber: o.InternalID, VendorOrderNumber: o.ID,
		PublicUID: orderCode(o.InternalID), Email: o.Email, CustomerID: o.CustomerID, PaymentStatus: o.PaymentStatus,
		FulfillmentStatus: o.FulfillmentStatus, PaymentMethod: o.PaymentMethod, PaymentModule: o.PaymentModule,
		Hidden: o.Hidden, PricesIncludeTax: o.PricesIncludeTax, Subtotal: n(o.Subtotal),
		SubtotalWithoutTax: n(o.SubtotalWithoutTax), Total: n(o.Total), TotalWithoutTax: n(o.TotalWithoutTax),
		Tax: n(o.Tax), Discount: n(o.Discount), CouponDiscount: n(o.CouponDiscount), VolumeDiscount: n(o.VolumeDiscount),
		MembershipDiscount: n(0), RefundedAmount: n(0), Items: []itemOut{},
		BillingPerson: personJSON(o.BillingPerson, false), ShippingPerson: personJSON(o.ShippingPerson, false),
		TaxesOnShipping: s.taxesJSON(o.TaxesOnShipping), CustomerTaxExempt: o.CustomerTaxExempt,
		CustomerTaxID: o.CustomerTaxID, CustomerTaxIDValid: o.CustomerTaxIDValid, ReversedTaxApplied: o.ReversedTaxApplied,
		B2BB2C: cmp.Or(o.B2BB2C, "b2c"), ExternalFulfill: o.ExternalFulfillment, ExternalOrderID: o.ExternalOrderID,
		RefererID: o.RefererID, PrivateAdminNotes: o.PrivateAdminNotes, OrderComments: o.OrderComments,
		ExternalTxID: o.ExternalTransactionID, TrackingNumber: o.TrackingNumber, IPAddress: o.IPAddress,
		AcceptMarketing: o.AcceptMarketing, NoNotifications: o.DisableNotifications, Lang: o.Lang,
		CustomSurcharges: []surchargeOut{}, Refunds: []any{}, Shipments: []any{},
		CreateDate: dateString(o.Created), UpdateDate: dateString(o.Updated),
		CreateTimestamp: o.Created.Unix(), UpdateTimestamp: o.Updated.Unix()}
	if o.ExternalOrderID != "" || o.ExternalFulfillment || o.RefererID != "" {
		out.ExternalOrderData = &externalOrderDataOut{ExternalFulfillment: o.ExternalFulfillment,
			ExternalOrderID: o.ExternalOrderID, RefererID: o.RefererID}
	}
	for _, d := range o.DiscountInfo {
		out.DiscountInfo = append(out.DiscountInfo, discountInfoOut(d))
	}
	if f := o.HandlingFee; f != nil {
		out.HandlingFee = &handlingFeeOut{Name: f.Name, Description: f.Description, Value: n(f.Value), Taxes: s.taxesJSON(f.Taxes)}
	}
	for _, sc := range o.Surcharges {
		out.CustomSurcharges = append(out.CustomSurcharges, surchargeOut{ID: sc.ID, Description: sc.Description,
			Type: cmp.Or(sc.Type, "ABSOLUTE"), Value: cmp.Or(sc.Value, n(sc.Total)), Taxable: sc.Taxable,
			Total: n(sc.Total), TotalWithoutTax: n(sc.TotalWithoutTax), Taxes: s.taxesJSON(sc.Taxes)})
	}
	if d := o.DiscountCoupon; d != nil {
		out.DiscountCoupon = &couponOut{Name: d.Name, Code: d.Code, DiscountType: d.DiscountType, Discount: n(d.Discount)}
	}
	for _, it := range o.Items {
		weight := it.Weight
		if weight == "" {
			weight = "0"
		}
		out.Items = append(out.Items, itemOut{ID: it.ID, ProductID: it.ProductID, CombinationID: it.CombinationID,
			CategoryID: it.CategoryID, SKU: it.SKU, Name: it.Name, Quantity: it.Quantity, Price: n(it.Price),
			PriceWithoutTax: n(it.PriceWithoutTax), ProductPrice: n(it.ProductPrice), Tax: n(it.Tax),
			Taxes: s.taxesJSON(it.Taxes), CouponAmount: n(it.CouponAmount), SelectedOptions: it.SelectedOptions,
			Weight: weight, IsShippingRequired: it.ShippingNeeded})
	}
	if so := o.ShippingOption; so != nil {
		out.ShippingOption = &shippingOptionOut{CarrierName: so.CarrierName, MethodName: so.MethodName,
			MethodID: so.MethodID, Rate: n(so.Rate), RateWithoutTax: n(so.RateWithoutTax), IsPickup: so.IsPickup,
			FulfillmentType: cmp.Or(so.FulfillmentType, "SHIPPING")}
	}
	return out
}

func (s *Sim) taxesJSON(ts []Tax) []taxOut {
	out := []taxOut{}
	for _, t := range ts {
		out = append(out, taxOut{Name: t.Name, Value: cmp.Or(t.Value, "0"), Total: t.Total.number(s.prec()),
			TaxOnDiscountedSubtotal: t.TaxOnDiscountedSubtotal.number(s.prec()),
			TaxOnShipping:           t.TaxOnShipping.number(s.prec()), IncludeInPrice: t.IncludeInPrice})
	}
	return out
}
