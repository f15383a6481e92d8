package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

func (s *Sim) inventoryRoutes(add addRoute) {
	add(OpListInventory, s.listInventory)
	add(OpCreateInventory, s.createInventory)
	add(OpGetInventory, s.getInventory)
	add(OpUpdateInventory, s.updateInventory)
	add(OpInventoryAttachment, s.uploadAttachment)
	add(OpGetAttachment, s.getAttachment)
	add(OpInventorySummary, s.inventorySummary)
}

func (s *Sim) itemLocked(number string) *Item {
	for _, it := range s.st.Items {
		if eqFold(it.Number, number) {
			return it
		}
	}
	return nil
}

// expansion is what an item answer includes beside its own fields.
type expansion struct {
	attachments, attributes, describe, warehouses, categories, note bool
}

// full is what a get of one item shows.
var full = expansion{attachments: true, attributes: true, describe: true, warehouses: true, categories: true, note: true}

// bookedLocked is the quantity of an item that open sales orders hold
// for a warehouse.
func (s *Sim) bookedLocked(item, warehouse string) Dec {
	var q Dec
	for _, o := range s.st.Orders {
		if o.Status != "Open" {
			continue
		}
		for _, l := range o.Lines {
			if eqFold(l.InventoryNumber, item) && eqFold(l.Warehouse, warehouse) {
				q = q.Add(l.Quantity)
			}
		}
	}
	return q
}

// warehousesOf lists the warehouses an item has stock figures for: its
// default warehouse first, then those it has stock in.
func warehousesOf(it *Item) []string {
	var out []string
	if it.DefaultWarehouse != "" {
		out = append(out, it.DefaultWarehouse)
	}
	keys := make([]string, 0, len(it.OnHand))
	for k := range it.OnHand {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.ContainsFunc(out, func(x string) bool { return eqFold(x, k) }) {
			out = append(out, k)
		}
	}
	return out
}

func (s *Sim) inventoryDto(it *Item, x expansion) inventoryDto {
	ref := &s.st.Ref
	d := inventoryDto{InventoryID: it.InternalID, InventoryNumber: it.Number, Status: it.Status, Type: it.Type,
		Description: it.Description, Body: it.Body, DefaultPrice: it.DefaultPrice, LastModifiedDateTime: At(it.Modified),
		BaseUnit: it.BaseUnit, SalesUnit: it.SalesUnit, PurchaseUnit: it.PurchUnit, StockItem: it.Stock(),
		Timestamp: strconv.FormatInt(it.Modified.UnixMilli(), 10)}
	if c := ref.itemClass(it.ClassID); c != nil {
		d.ItemClass = &itemClassRefDto{Type: c.Type, ID: c.ID, Description: c.Description, Attributes: classAttributes(ref, c.Attributes, c.Required)}
	}
	if it.PostingClassID != "" {
		d.PostingClass = &idDescDto{ID: it.PostingClassID}
	}
	if c := ref.vatCategory(it.VatCategoryID); c != nil {
		d.VatCode = &idDescDto{ID: c.ID, Description: c.Description}
	}
	if w := ref.warehouse(it.DefaultWarehouse); w != nil {
		d.DefaultWarehouse = &idDescDto{ID: w.ID, Description: w.Description}
	}
	if x.attributes {
		d.Attributes = s.attributeValues(it.Attributes, x.describe)
	}
	if x.attachments {
		for _, id := range it.Attachments {
			if a := s.attachmentLocked(id); a != nil {
				d.Attachments = append(d.Attachments, attachmentDto{Name: a.Name, ID: a.ID, Revision: a.Revision})
			}
		}
	}
	if x.warehouses && it.Stock() {
		for _, wh := range warehousesOf(it) {
			on := it.OnHand[wh]
			d.WarehouseDetails = append(d.WarehouseDetails, warehouseDetailDto{IsDefault: eqFold(wh, it.DefaultWarehouse),
				Warehouse: wh, QuantityOnHand: on, Available: on.Sub(s.bookedLocked(it.Number, wh)), AvailableForShipment: on,
				LastModifiedDateTime: At(it.AvailabilityModified)})
		}
	}
	if x.categories {
		for _, c := range it.Categories {
			d.SalesCategories = append(d.SalesCategories, salesCategoryDto{CategoryID: c.ID, Description: c.Description})
		}
	}
	if x.note {
		d.Note = it.Note
	}
	return d
}

// boolParam reads an expand flag; absent is false.
func boolParam(q map[string][]string, name string, ps *problems) bool {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		ps.add(name, "'%s' is %q; it must be true or false.", name, v)
	}
	return b
}

func (s *Sim) listInventory(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	pg, ok := s.page(w, r, MaxPageSizeInventory)
	if !ok {
		return
	}
	var ps problems
	changes := parseChanges(q, &ps, "lastModifiedDateTime", "createdDateTime", "availabilityLastModifiedDateTime", "attachmentLastModifiedDateTime")
	x := expansion{attachments: boolParam(q, "expandAttachment", &ps), describe: boolParam(q, "expandAttribute", &ps),
		warehouses: boolParam(q, "expandWarehouseDetail", &ps), categories: boolParam(q, "expandSalesCategories", &ps),
		note: boolParam(q, "expandNote", &ps), attributes: true}
	var types []string
	for _, t := range q["inventoryTypes"] {
		for part := range strings.SplitSeq(t, ",") {
			if part = strings.TrimSpace(part); part != "" {
				if !slices.Contains(itemTypes, part) {
					ps.add("inventoryTypes", "'inventoryTypes' has %q; the types are %s.", part, strings.Join(itemTypes, ", "))
				}
				types = append(types, part)
			}
		}
	}
	var category int64
	if c := q.Get("salesCategory"); c != "" {
		n, err := strconv.ParseInt(c, 10, 32)
		if err != nil {
			ps.add("salesCategory", "'salesCategory' must be a whole number.")
		}
		category = n
	}
	var attrs map[string]string
	if a := q.Get("attributes"); a != "" {
		if err := json.Unmarshal([]byte(a), &attrs); err != nil {
			ps.add("attributes", "'attributes' must be a JSON object of attribute id and value, as {\"ID\":\"VALUE\"}.")
		}
	}
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	var out []inventoryDto
	for _, it := range s.st.Items {
		if n := q.Get("inventoryNumber"); n != "" && !eqFold(n, it.Number) {
			continue
		}
		if st := q.Get("status"); st != "" && !eqFold(st, it.Status) {
			continue
		}
		if d := q.Get("description"); d != "" && !strings.Contains(strings.ToLower(it.Description), strings.ToLower(d)) {
			continue
		}
		if len(types) > 0 && !slices.Contains(types, it.Type) {
			continue
		}
		if category != 0 && !slices.ContainsFunc(it.Categories, func(c SalesCategory) bool { return c.ID == category }) {
			continue
		}
		if !hasAttributes(it.Attributes, attrs) {
			continue
		}
		if !(stamps{"lastModifiedDateTime": it.Modified, "createdDateTime": it.Created,
			"availabilityLastModifiedDateTime": it.AvailabilityModified, "attachmentLastModifiedDateTime": it.AttachmentModified}).matches(changes) {
			continue
		}
		out = append(out, s.inventoryDto(it, x))
	}
	s.mu.Unlock()
	writePage(s, w, r, out, pg, MaxPageSizeInventory)
}

// itemTypes are the contract's inventory types.
var itemTypes = []string{"NonStockItem", "LaborItem", "ServiceItem", "ChargeItem", "ExpenseItem", "FinishedGoodItem",
	"ComponentPartItem", "SubassemblyItem"}

func (s *Sim) getInventory(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	s.mu.Lock()
	it := s.itemLocked(p.Get("inventoryNumber"))
	var d inventoryDto
	if it != nil {
		d = s.inventoryDto(it, full)
	}
	s.mu.Unlock()
	if it == nil {
		s.notFound(w, r, "Inventory item", p.Get("inventoryNumber"))
		return
	}
	s.out.JSON(w, r, http.StatusOK, d)
}

func (s *Sim) createInventory(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	createRecord(s, w, r, &Item{Status: "Active", BaseUnit: "PCS", SalesUnit: "PCS", PurchUnit: "PCS"},
		func(it *Item, d *inventoryUpdateDto) problems { return s.applyItemLocked(it, d, true) },
		func(it *Item) string { s.storeItemLocked(it); return "/v1/inventory/" + it.Number })
}

func (s *Sim) updateInventory(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	var d inventoryUpdateDto
	if ps := decodeWrite(r, &d); len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	number := p.Get("inventoryNumber")
	s.mu.Lock()
	it := s.itemLocked(number)
	if it == nil {
		s.mu.Unlock()
		s.notFound(w, r, "Inventory item", number)
		return
	}
	next := clone(*it)
	ps := s.applyItemLocked(&next, &d, false)
	if len(ps) == 0 {
		next.Modified = s.now()
		*it = next
	}
	s.mu.Unlock()
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// applyItemLocked applies an item write; fresh is a create.
func (s *Sim) applyItemLocked(it *Item, d *inventoryUpdateDto, fresh bool) problems {
	var ps problems
	ref := &s.st.Ref
	n, hasNumber := wrapped(d.InventoryNumber)
	n = strings.TrimSpace(n)
	switch {
	case fresh && n == "":
		ps.add("inventoryNumber", "'inventoryNumber' is required to create an item.")
	case fresh && s.itemLocked(n) != nil:
		ps.add("inventoryNumber", "An inventory item with number %s already exists.", n)
	case fresh:
		it.Number = n
	case hasNumber && !eqFold(n, it.Number):
		ps.add("inventoryNumber", "'inventoryNumber' is not applicable to an update (the item is %s).", it.Number)
	}
	setStr(&it.Status, d.Status)
	setStr(&it.Description, d.Description)
	if strings.TrimSpace(it.Description) == "" {
		ps.add("description", "'description' is required: an item needs a description.")
	}
	setStr(&it.Body, d.Body)
	classBefore := it.ClassID
	setRef(&ps, "itemClass", &it.ClassID, d.ItemClass, func(id string) bool { return ref.itemClass(id) != nil }, "Item class")
	class := ref.itemClass(it.ClassID)
	if class == nil && fresh && d.ItemClass == nil {
		ps.add("itemClass", "'itemClass' is required: the item class gives an item its defaults.")
	}
	setStr(&it.Type, d.Type)
	if it.Type == "" || (d.Type == nil && class != nil && !eqFold(classBefore, it.ClassID)) {
		if class != nil {
			it.Type = class.Type
		}
	}
	setStr(&it.PostingClassID, d.PostingClass)
	setRef(&ps, "vatCode", &it.VatCategoryID, d.VatCode, func(id string) bool { return ref.vatCategory(id) != nil }, "VAT category")
	setDec(&it.DefaultPrice, d.DefaultPrice)
	setStr(&it.BaseUnit, d.BaseUnit)
	setStr(&it.SalesUnit, d.SalesUnit)
	setStr(&it.PurchUnit, d.PurchaseUnit)
	accountExists := func(id string) bool { return ref.account(id) != nil }
	setRef(&ps, "salesAccount", &it.SalesAccount, d.SalesAccount, accountExists, "Account")
	for _, a := range []struct {
		field string
		v     *value[string]
	}{{"expenseAccrualAccount", d.ExpenseAccrualAccount}, {"inventoryAccount", d.InventoryAccount}, {"expenseAccount", d.ExpenseAccount},
		{"cogsAccount", d.CogsAccount}, {"expenseNonTaxableAccount", d.ExpenseNonTaxableAccount}, {"expenseEuAccount", d.ExpenseEuAccount},
		{"expenseImportAccount", d.ExpenseImportAccount}, {"salesNonTaxableAccount", d.SalesNonTaxableAccount},
		{"salesEuAccount", d.SalesEuAccount}, {"salesExportAccount", d.SalesExportAccount}} {
		var sink string // kept by the real API; the simulator only checks them
		setRef(&ps, a.field, &sink, a.v, accountExists, "Account")
	}
	warehouseExists := func(id string) bool { return ref.warehouse(id) != nil }
	setRef(&ps, "defaultWarehouse", &it.DefaultWarehouse, d.DefaultWarehouse, warehouseExists, "Warehouse")
	var sink string
	setRef(&ps, "defaultIssueFrom", &sink, d.DefaultIssueFrom, warehouseExists, "Warehouse")
	setRef(&ps, "defaultReceiptTo", &sink, d.DefaultReceiptTo, warehouseExists, "Warehouse")
	setStr(&it.Note, d.Note)
	s.applyAttributes(&ps, &it.Attributes, d.AttributeLines)
	if class != nil {
		for _, req := range class.Required {
			if it.Attributes[req] == "" {
				ps.add("attributeLines", "'attributeLines': the item class %s requires attribute %s.", class.ID, req)
			}
		}
	}
	if it.Stock() && it.DefaultWarehouse == "" && len(ref.Warehouses) > 0 {
		it.DefaultWarehouse = ref.Warehouses[0].ID
	}
	return ps
}

// storeItemLocked stores a new item.
func (s *Sim) storeItemLocked(it *Item) {
	now := s.now()
	it.InternalID = s.nextIDLocked()
	it.Created, it.Modified, it.AvailabilityModified = now, now, now
	s.st.Items = append(s.st.Items, it)
}

// Attachments.

func (s *Sim) attachmentLocked(id string) *Attachment {
	for _, a := range s.st.Attachments {
		if eqFold(a.ID, id) {
			return a
		}
	}
	return nil
}

// attachLocked adds a file to an item, or a new revision of the file of
// the same name.
func (s *Sim) attachLocked(it *Item, name, contentType string, data []byte) *Attachment {
	now := s.now()
	it.AttachmentModified = now
	for _, id := range it.Attachments {
		if a := s.attachmentLocked(id); a != nil && a.Name == name {
			a.Revision++
			a.Data, a.ContentType, a.Modified = slices.Clone(data), contentType, now
			return a
		}
	}
	a := &Attachment{ID: s.guidLocked(), Name: name, ContentType: contentType, Revision: 1, Data: slices.Clone(data), Item: it.Number, Modified: now}
	s.st.Attachments = append(s.st.Attachments, a)
	it.Attachments = append(it.Attachments, a.ID)
	return a
}

// uploadAttachment takes multipart/form-data with one file part (any part
// name; the file name from its Content-Disposition) (§3.5).
func (s *Sim) uploadAttachment(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	name, ctype, data, err := filePart(r)
	if err != nil {
		s.bad(w, r, "file", "%v", err)
		return
	}
	number := p.Get("inventoryNumber")
	s.mu.Lock()
	it := s.itemLocked(number)
	var a *Attachment
	if it != nil {
		a = s.attachLocked(it, name, ctype, data)
	}
	s.mu.Unlock()
	if it == nil {
		s.notFound(w, r, "Inventory item", number)
		return
	}
	s.created(w, r, "/v1/attachment/"+a.ID)
}

// filePart reads the first part of a multipart body that carries a file.
func filePart(r *http.Request) (name, ctype string, data []byte, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", nil, errors.New("the request must be multipart/form-data with one file")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", "", nil, errors.New("the multipart body has no file part (a part with a file name in its Content-Disposition)")
		}
		if err != nil {
			return "", "", nil, fmt.Errorf("the multipart body cannot be read: %v", err)
		}
		if part.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, maxBody))
		if err != nil {
			return "", "", nil, fmt.Errorf("the file cannot be read: %v", err)
		}
		name = path.Base(part.FileName())
		ctype = part.Header.Get("Content-Type")
		if ctype == "" || ctype == "application/octet-stream" {
			if t := mime.TypeByExtension(path.Ext(name)); t != "" {
				ctype = t
			} else {
				ctype = http.DetectContentType(data)
			}
		}
		return name, ctype, data, nil
	}
}

// getAttachment answers the file's latest revision.
func (s *Sim) getAttachment(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	s.mu.Lock()
	a := s.attachmentLocked(p.Get("attachmentId"))
	var c Attachment
	if a != nil {
		c = clone(*a)
	}
	s.mu.Unlock()
	if a == nil {
		s.message(w, r, http.StatusNotFound, "Attachment "+p.Get("attachmentId")+" was not found.")
		return
	}
	w.Header().Set("Content-Type", c.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": c.Name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(c.Data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(c.Data)
}

// inventorySummary is the stock of a stock item per warehouse.
func (s *Sim) inventorySummary(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	q := r.URL.Query()
	number := p.Get("inventoryNumber")
	s.mu.Lock()
	it := s.itemLocked(number)
	var out []inventorySummaryDto
	if it != nil && it.Stock() {
		for _, wh := range warehousesOf(it) {
			if f := q.Get("warehouse"); f != "" && !eqFold(f, wh) {
				continue
			}
			on := it.OnHand[wh]
			booked := s.bookedLocked(it.Number, wh)
			d := inventorySummaryDto{Inventory: &numberDescDto{Number: it.Number, Description: it.Description},
				Warehouse: &idDescDto{ID: wh}, OnHand: on, Available: on.Sub(booked), AvailableForShipment: on,
				SoBooked: booked, BaseUnit: it.BaseUnit}
			if w := s.st.Ref.warehouse(wh); w != nil {
				d.Warehouse.Description = w.Description
			}
			out = append(out, d)
		}
	}
	s.mu.Unlock()
	if it == nil {
		s.notFound(w, r, "Inventory item", number)
		return
	}
	writePage(s, w, r, out, simkit.Page{Size: max(len(out), 1)}, MaxPageSize)
}
