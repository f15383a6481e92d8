package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

func (s *Sim) orderRoutes(add addRoute) {
	add(OpListSalesOrders, s.listOrders)
	add(OpListSalesOrdersV2, s.listOrders)
	add(OpCreateSalesOrder, s.createOrder)
	add(OpCreateSalesOrderV2, s.createOrder)
	add(OpGetSalesOrder, s.getOrder)
	add(OpGetSalesOrderV2, s.getOrder)
	add(OpUpdateSalesOrder, s.updateOrder)
	add(OpGetSalesOrderByType, s.getOrder)
	add(OpCancelSalesOrder, s.cancelOrder)
}

// orderLocked finds an order by type and number; without a type the
// default type SO is preferred, then any type.
func (s *Sim) orderLocked(orderType, number string) *SalesOrder {
	var other *SalesOrder
	for _, o := range s.st.Orders {
		if !eqFold(o.OrderNumber, number) {
			continue
		}
		if orderType != "" && eqFold(o.OrderType, orderType) {
			return o
		}
		if orderType == "" && eqFold(o.OrderType, OrderTypeSO) {
			return o
		}
		if orderType == "" && other == nil {
			other = o
		}
	}
	return other
}

func (s *Sim) orderDto(o *SalesOrder, notes bool) salesOrderDto {
	ref := &s.st.Ref
	d := salesOrderDto{OrderType: o.OrderType, OrderNo: o.OrderNumber, Status: o.Status, Hold: o.Hold, Date: At(o.Date),
		RequestOn: At(o.RequestOn), CustomerOrder: o.CustomerOrder, CustomerRefNo: o.CustomerRefNo, Currency: o.Currency,
		Description: o.Description, OrderTotal: o.Totals.Total, OrderTotalInBaseCurrency: o.Totals.Total,
		VatTaxableTotal: o.Totals.Taxable, VatExemptTotal: o.Totals.Exempt, TaxTotal: o.Totals.VAT,
		DiscountTotal: o.Totals.Discount, ExchangeRate: Units(1), Canceled: o.Status == "Cancelled",
		LastModifiedDateTime: At(o.Modified), Lines: []salesOrderLineDto{}}
	if c := s.customerLocked(o.CustomerNumber); c != nil {
		d.Customer = &customerRefDto{InternalID: c.InternalID, Number: c.Number, Name: c.Name}
	}
	if o.Location != "" {
		d.Location = &idNameDto{ID: o.Location, Name: o.Location}
	}
	if t := ref.terms(o.Terms); t != nil {
		d.Terms = &idDescDto{ID: t.ID, Description: t.Description}
	}
	d.SoBillingAddress = s.docAddress(o.BillingAddress, o.OverrideBillingAddress)
	d.SoShippingAddress = s.docAddress(o.ShippingAddress, o.OverrideShipAddress)
	d.SoBillingContact = docContact(o.BillingContact, o.OverrideBillingContact)
	d.SoShippingContact = docContact(o.ShippingContact, o.OverrideShipContact)
	if z := ref.vatZone(o.VatZoneID); z != nil {
		d.CustomerVATZone = &vatZoneRefDto{ID: z.ID, Description: z.Description, DefaultVatCategory: z.DefaultVatCategory}
	}
	if w := ref.warehouse(o.PreferredWarehouse); w != nil {
		d.PreferredWarehouse = &idDescDto{ID: w.ID, Description: w.Description}
	}
	if c := ref.carrier(o.ShipVia); c != nil {
		d.ShipVia = &idDescDto{ID: c.ID, Description: c.Description}
	}
	if p := ref.paymentMethod(o.PaymentMethod); p != nil {
		d.PaymentMethod = &idDescDto{ID: p.ID, Description: p.Description}
	}
	if b := ref.branch(o.BranchNumber); b != nil {
		d.BranchNumber = &numberNameDto{Number: b.Number, Name: b.Name}
	}
	if notes {
		d.Note = o.Note
	}
	for i, l := range o.Lines {
		ld := salesOrderLineDto{LineNbr: l.LineNbr, SortOrder: int64(i + 1), UOM: l.UOM, Quantity: l.Quantity, UnitCost: l.UnitCost,
			UnitPrice: l.UnitPrice, DiscountPercent: l.DiscountPercent, DiscountAmount: l.DiscountAmount, ManualDiscount: l.ManualDiscount,
			ExtPrice: l.Amount, LineDescription: l.Description, TaxCategory: l.TaxCategory, Operation: "Issue", Note: l.Note,
			OpenQty: l.Quantity, UnbilledAmount: l.Amount, Completed: o.Status == "Cancelled"}
		if o.Status == "Cancelled" {
			ld.OpenQty = Dec{}
		}
		if !l.Quantity.IsZero() {
			ld.DiscUnitPrice = l.Amount.Div(l.Quantity)
		}
		ld.Inventory = &numberDescDto{Number: l.InventoryNumber}
		if it := s.itemLocked(l.InventoryNumber); it != nil {
			ld.Inventory.Description = it.Description
		}
		if l.Warehouse != "" {
			ld.Warehouse = &idDescDto{ID: l.Warehouse}
			if w := ref.warehouse(l.Warehouse); w != nil {
				ld.Warehouse.Description = w.Description
			}
		}
		d.Lines = append(d.Lines, ld)
	}
	return d
}

func (s *Sim) docAddress(a Address, override bool) *docAddressDto {
	ad := s.addressDto(a)
	if ad == nil {
		return nil
	}
	return &docAddressDto{OverrideAddress: override, addressDto: *ad}
}

func docContact(c Contact, override bool) *docContactDto {
	cd := contactDtoOf(c)
	if cd == nil {
		return nil
	}
	return &docContactDto{OverrideContact: override, contactDto: *cd}
}

func (s *Sim) listOrders(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	pg, ok := s.page(w, r, MaxPageSize)
	if !ok {
		return
	}
	var ps problems
	changes := parseChanges(q, &ps, "lastModifiedDateTime")
	notes := boolParam(q, "showNotes", &ps)
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	var out []salesOrderDto
	for _, o := range s.st.Orders {
		if t := q.Get("orderType"); t != "" && !eqFold(t, o.OrderType) {
			continue
		}
		if st := q.Get("status"); st != "" && !eqFold(st, o.Status) {
			continue
		}
		if g := q.Get("greaterThanValue"); g != "" && o.OrderNumber <= g {
			continue
		}
		if !(stamps{"lastModifiedDateTime": o.Modified}).matches(changes) {
			continue
		}
		out = append(out, s.orderDto(o, notes))
	}
	s.mu.Unlock()
	writePage(s, w, r, out, pg, MaxPageSize)
}

func (s *Sim) getOrder(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	s.mu.Lock()
	o := s.orderLocked(p.Get("orderType"), p.Get("orderNbr"))
	var d salesOrderDto
	if o != nil {
		d = s.orderDto(o, true)
	}
	s.mu.Unlock()
	if o == nil {
		s.notFound(w, r, "Sales order", p.Get("orderNbr"))
		return
	}
	s.out.JSON(w, r, http.StatusOK, d)
}

func (s *Sim) createOrder(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	version := "/v1"
	if strings.HasPrefix(r.URL.Path, "/v2/") {
		version = "/v2"
	}
	createRecord(s, w, r, &SalesOrder{Status: "Open"},
		func(o *SalesOrder, d *salesOrderUpdateDto) problems { return s.applyOrderLocked(o, d, true) },
		func(o *SalesOrder) string { s.storeOrderLocked(o); return version + "/salesorder/" + o.OrderNumber })
}

func (s *Sim) updateOrder(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	var d salesOrderUpdateDto
	if ps := decodeWrite(r, &d); len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	number := p.Get("orderNbr")
	s.mu.Lock()
	var o *SalesOrder
	if t, ok := wrapped(d.OrderType); ok {
		o = s.orderLocked(t, number)
	}
	if o == nil {
		s.mu.Unlock()
		s.notFound(w, r, "Sales order", number)
		return
	}
	var ps problems
	if o.Status == "Cancelled" {
		ps.add("orderNumber", "The sales order %s %s is cancelled and cannot be changed.", o.OrderType, o.OrderNumber)
	}
	next := clone(*o)
	if len(ps) == 0 {
		ps = s.applyOrderLocked(&next, &d, false)
	}
	if len(ps) == 0 {
		next.Modified = s.now()
		s.touchAvailabilityLocked(o.Lines, next.Lines)
		*o = next
	}
	s.mu.Unlock()
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cancelOrder cancels an order (its lines no longer book stock).
func (s *Sim) cancelOrder(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	var d cancelSalesOrderActionDto
	if ps := decodeWrite(r, &d); len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	number := p.Get("saleOrderNumber")
	s.mu.Lock()
	o := s.orderLocked(*d.OrderType, number)
	var ps problems
	if o != nil && o.Status == "Cancelled" {
		ps.add("saleOrderNumber", "The sales order %s %s is cancelled already.", o.OrderType, o.OrderNumber)
	}
	var id string
	if o != nil && len(ps) == 0 {
		o.Status, o.Modified = "Cancelled", s.now()
		s.touchAvailabilityLocked(o.Lines, nil)
		id = s.guidLocked()
	}
	s.mu.Unlock()
	switch {
	case o == nil:
		s.notFound(w, r, "Sales order", number)
	case len(ps) > 0:
		s.invalid(w, r, ps)
	default:
		s.out.JSON(w, r, http.StatusOK, actionResultDto{ActionID: id, ActionResult: "Done"})
	}
}

// applyOrderLocked applies a sales order write; fresh is a create.
func (s *Sim) applyOrderLocked(o *SalesOrder, d *salesOrderUpdateDto, fresh bool) problems {
	var ps problems
	ref := &s.st.Ref
	orderType, _ := wrapped(d.OrderType)
	orderType = strings.TrimSpace(orderType)
	switch {
	case ref.orderType(orderType) == nil:
		ps.add("orderType", "'orderType': Order type %q does not exist.", orderType)
	case fresh:
		o.OrderType = ref.orderType(orderType).ID
	case !eqFold(orderType, o.OrderType):
		ps.add("orderType", "'orderType' cannot be changed by an update (the order is of type %s).", o.OrderType)
	}
	if fresh && flag(d.OverrideNumberSeries) {
		n, _ := wrapped(d.OrderNumber)
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			ps.add("orderNumber", "'orderNumber' is required with overrideNumberSeries.")
		case s.orderLocked(o.OrderType, n) != nil:
			ps.add("orderNumber", "A sales order %s %s already exists.", o.OrderType, n)
		default:
			o.OrderNumber = n
		}
	}

	// The customer: by number, else by GLN or VAT registration id (the
	// contract: mandatory unless one of those is given).
	var cust *Customer
	if n, ok := wrapped(d.Customer); ok && strings.TrimSpace(n) != "" {
		if cust = s.customerLocked(n); cust == nil {
			ps.add("customer", "'customer': Customer %q does not exist.", n)
		} else if !fresh && !eqFold(cust.Number, o.CustomerNumber) {
			ps.add("customer", "'customer' cannot be changed by an update.")
		}
	} else if fresh {
		gln, _ := wrapped(d.Gln)
		vat, _ := wrapped(d.VatRegistrationId)
		for _, c := range s.st.Customers {
			if (gln != "" && eqFold(c.GLN, gln)) || (vat != "" && eqFold(c.VatRegistrationID, vat)) {
				cust = c
				break
			}
		}
		if cust == nil {
			ps.add("customer", "'customer' is required: a sales order needs its customer (or a GLN or VAT registration id that finds one).")
		}
	} else {
		cust = s.customerLocked(o.CustomerNumber)
	}
	if cust != nil && fresh {
		o.CustomerNumber = cust.Number
		o.Currency, o.Terms, o.PaymentMethod = cust.CurrencyID, cust.CreditTermsID, cust.DefaultPaymentMethodID
	}

	if v, ok := wrapped(d.Date); ok {
		o.Date = v.Time
	}
	if v, ok := wrapped(d.RequestOn); ok {
		o.RequestOn = v.Time
	}
	if v, ok := wrapped(d.Hold); ok {
		o.Hold = v
		o.Status = map[bool]string{true: "Hold", false: "Open"}[v]
	}
	setStr(&o.CustomerOrder, d.CustomerOrder)
	setStr(&o.CustomerRefNo, d.CustomerRefNo)
	setStr(&o.Description, d.Description)
	setStr(&o.Note, d.Note)
	setStr(&o.Location, d.Location)
	setRef(&ps, "currency", &o.Currency, d.Currency, func(id string) bool { return ref.currency(id) != nil }, "Currency")
	setRef(&ps, "terms", &o.Terms, d.Terms, func(id string) bool { return ref.terms(id) != nil }, "Credit terms")
	setRef(&ps, "paymentMethod", &o.PaymentMethod, d.PaymentMethod, func(id string) bool { return ref.paymentMethod(id) != nil }, "Payment method")
	setRef(&ps, "shipVia", &o.ShipVia, d.ShipVia, func(id string) bool { return ref.carrier(id) != nil }, "Carrier")
	setRef(&ps, "preferredWarehouse", &o.PreferredWarehouse, d.PreferredWarehouse, func(id string) bool { return ref.warehouse(id) != nil }, "Warehouse")
	setRef(&ps, "branchNumber", &o.BranchNumber, d.BranchNumber, func(id string) bool { return ref.branch(id) != nil }, "Branch")
	setRef(&ps, "customerVATZone", &o.VatZoneID, d.CustomerVATZone, func(id string) bool { return ref.vatZone(id) != nil }, "VAT zone")
	if v, ok := wrapped(d.SoBillingAddress); ok {
		setBool(&o.OverrideBillingAddress, v.OverrideAddress)
		s.applyDocAddress(&ps, "soBillingAddress", &o.BillingAddress, v)
	}
	if v, ok := wrapped(d.SoShippingAddress); ok {
		setBool(&o.OverrideShipAddress, v.OverrideAddress)
		s.applyDocAddress(&ps, "soShippingAddress", &o.ShippingAddress, v)
	}
	if v, ok := wrapped(d.SoBillingContact); ok {
		setBool(&o.OverrideBillingContact, v.OverrideContact)
		applyDocContact(&o.BillingContact, v)
	}
	if v, ok := wrapped(d.SoShippingContact); ok {
		setBool(&o.OverrideShipContact, v.OverrideContact)
		applyDocContact(&o.ShippingContact, v)
	}
	if fresh {
		if o.Currency == "" {
			o.Currency = ref.baseCurrency()
		}
		if o.BranchNumber == "" {
			o.BranchNumber = ref.mainBranch()
		}
		if o.Date.IsZero() {
			o.Date = day(s.o.Now())
		}
		if o.RequestOn.IsZero() {
			o.RequestOn = o.Date
		}
		if cust != nil {
			if !o.OverrideBillingAddress {
				o.BillingAddress = firstAddress(cust.InvoiceAddress, cust.MainAddress)
			}
			if !o.OverrideShipAddress {
				o.ShippingAddress = firstAddress(cust.DeliveryAddress, cust.MainAddress)
			}
			if !o.OverrideBillingContact {
				o.BillingContact = firstContact(cust.InvoiceContact, cust.MainContact)
			}
			if !o.OverrideShipContact {
				o.ShippingContact = firstContact(cust.DeliveryContact, cust.MainContact)
			}
		}
	}
	s.applyOrderLinesLocked(&ps, o, d.Lines, fresh)
	if len(ps) == 0 {
		priced := make([]pricedLine, len(o.Lines))
		for i, l := range o.Lines {
			priced[i] = pricedLine{amount: l.Amount, discount: l.DiscountAmount, category: l.TaxCategory}
		}
		o.Taxes, o.Totals = s.priceLocked(s.zoneOfLocked(o.VatZoneID, cust), priced)
	}
	return ps
}

func firstAddress(as ...Address) Address {
	for _, a := range as {
		if a != (Address{}) {
			return a
		}
	}
	return Address{}
}

func firstContact(cs ...Contact) Contact {
	for _, c := range cs {
		if c != (Contact{}) {
			return c
		}
	}
	return Contact{}
}

func (s *Sim) applyDocAddress(ps *problems, field string, a *Address, d salesOrderAddressUpdateDto) {
	setStr(&a.Line1, d.AddressLine1)
	setStr(&a.Line2, d.AddressLine2)
	setStr(&a.Line3, d.AddressLine3)
	setStr(&a.PostalCode, d.PostalCode)
	setStr(&a.City, d.City)
	setStr(&a.County, d.County)
	setRef(ps, field+".countryId", &a.CountryID, d.CountryId, func(id string) bool { return s.st.Ref.country(id) != nil }, "Country")
}

func applyDocContact(c *Contact, d salesOrderContactUpdateDto) {
	setStr(&c.Name, d.Name)
	setStr(&c.Attention, d.Attention)
	setStr(&c.Email, d.Email)
	setStr(&c.Web, d.Web)
	setStr(&c.Phone1, d.Phone1)
	setStr(&c.Phone2, d.Phone2)
	setStr(&c.Fax, d.Fax)
}

// lineOp is a line's operation: Insert unless written; on a create only
// Insert makes sense.
func lineOp(ps *problems, field string, op *string, fresh bool) string {
	o := "Insert"
	if op != nil {
		o = *op
	}
	if fresh && o != "Insert" {
		ps.add(field+".operation", "'%s.operation' is %s; a new document's lines can only be inserted.", field, o)
	}
	return o
}

// applyOrderLinesLocked applies the lines of a write: inserts, updates and
// deletes by lineNbr.
func (s *Sim) applyOrderLinesLocked(ps *problems, o *SalesOrder, lines []salesOrderLineUpdateDto, fresh bool) {
	ref := &s.st.Ref
	next := int64(1)
	for _, l := range o.Lines {
		next = max(next, l.LineNbr+1)
	}
	for i, d := range lines {
		field := fmt.Sprintf("lines[%d]", i)
		op := lineOp(ps, field, d.Operation, fresh)
		var line *OrderLine
		switch op {
		case "Insert":
			o.Lines = append(o.Lines, OrderLine{LineNbr: next})
			next++
			line = &o.Lines[len(o.Lines)-1]
		default:
			nbr, ok := wrapped(d.LineNbr)
			at := slices.IndexFunc(o.Lines, func(l OrderLine) bool { return l.LineNbr == nbr })
			if !ok || at < 0 {
				ps.add(field+".lineNbr", "'%s.lineNbr' must name a line of the order to %s it.", field, strings.ToLower(op))
				continue
			}
			if op == "Delete" {
				o.Lines = slices.Delete(o.Lines, at, at+1)
				continue
			}
			line = &o.Lines[at]
		}
		number, _ := wrapped(d.InventoryNumber)
		it := s.itemLocked(number)
		switch {
		case strings.TrimSpace(number) == "":
			ps.add(field+".inventoryNumber", "'%s.inventoryNumber' is required.", field)
			continue
		case it == nil:
			ps.add(field+".inventoryNumber", "'%s.inventoryNumber': Inventory item %q does not exist.", field, number)
			continue
		case op == "Insert" || !eqFold(it.Number, line.InventoryNumber):
			line.InventoryNumber = it.Number
			line.UnitPrice, line.TaxCategory, line.UOM, line.Description = it.DefaultPrice, it.VatCategoryID, it.SalesUnit, it.Description
			if it.Stock() {
				line.Warehouse = firstNonEmpty(o.PreferredWarehouse, it.DefaultWarehouse, ref.mainWarehouse())
			} else {
				line.Warehouse = ""
			}
		}
		if it.Status == "NoSales" || it.Status == "Inactive" || it.Status == "MarkedForDeletion" {
			ps.add(field+".inventoryNumber", "'%s.inventoryNumber': the item %s has status %s and cannot be sold.", field, it.Number, it.Status)
		}
		setRef(ps, field+".warehouse", &line.Warehouse, d.Warehouse, func(id string) bool { return ref.warehouse(id) != nil }, "Warehouse")
		if wh := ref.warehouse(line.Warehouse); wh != nil {
			line.Warehouse = wh.ID
		}
		setRef(ps, field+".taxCategory", &line.TaxCategory, d.TaxCategory, func(id string) bool { return ref.vatCategory(id) != nil }, "VAT category")
		setStr(&line.UOM, d.Uom)
		setStr(&line.Description, d.LineDescription)
		setStr(&line.Note, d.Note)
		setDec(&line.Quantity, d.Quantity)
		setDec(&line.UnitPrice, d.UnitPrice)
		setDec(&line.UnitCost, d.UnitCost)
		setDec(&line.DiscountPercent, d.DiscountPercent)
		setDec(&line.DiscountAmount, d.DiscountAmount)
		setBool(&line.ManualDiscount, d.ManualDiscount)
		var disc Dec
		line.Amount, disc = lineAmount(line.Quantity, line.UnitPrice, line.DiscountPercent, line.DiscountAmount)
		line.DiscountAmount = disc
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func (r *RefData) mainWarehouse() string {
	if len(r.Warehouses) > 0 {
		return r.Warehouses[0].ID
	}
	return ""
}

// storeOrderLocked numbers a new order (unless it has its number) and
// stores it.
func (s *Sim) storeOrderLocked(o *SalesOrder) {
	if o.OrderNumber == "" {
		o.OrderNumber = s.nextNumberLocked("order/"+o.OrderType, "%06d", 1,
			func(n string) bool { return s.orderLocked(o.OrderType, n) != nil })
	}
	now := s.now()
	o.Created, o.Modified = now, now
	s.st.Orders = append(s.st.Orders, o)
	s.touchAvailabilityLocked(nil, o.Lines)
}

// touchAvailabilityLocked stamps the availability of the stock items of
// lines that changed what open orders book.
func (s *Sim) touchAvailabilityLocked(before, after []OrderLine) {
	now := s.now()
	for _, ls := range [][]OrderLine{before, after} {
		for _, l := range ls {
			if it := s.itemLocked(l.InventoryNumber); it != nil && it.Stock() {
				it.AvailabilityModified = now
			}
		}
	}
}
