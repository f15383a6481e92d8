package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

func (s *Sim) adjustmentRoutes(add addRoute) {
	add(OpListInventoryAdjustments, s.listAdjustments)
	add(OpCreateInventoryAdjustment, s.createAdjustment)
	add(OpGetInventoryAdjustment, s.getAdjustment)
	add(OpUpdateInventoryAdjustment, s.updateAdjustment)
	add(OpReleaseInventoryAdjustment, s.releaseAdjustment)
}

func (s *Sim) adjustmentLocked(number string) *Adjustment {
	for _, a := range s.st.Adjustments {
		if eqFold(a.ReferenceNumber, number) {
			return a
		}
	}
	return nil
}

func (s *Sim) adjustmentDto(a *Adjustment) adjustmentDto {
	ref := &s.st.Ref
	d := adjustmentDto{TotalCost: a.TotalCost, ControlCost: a.TotalCost, ReferenceNumber: a.ReferenceNumber, Status: a.Status,
		Hold: a.Hold, Date: At(a.Date), PostPeriod: a.FinancialPeriod, ExternalReference: a.ExternalReference,
		Description: a.Description, TotalQuantity: a.TotalQuantity, ControlQuantity: a.TotalQuantity,
		LastModifiedDateTime: At(a.Modified), AdjusmentLines: []adjustmentLineDto{}}
	if b := ref.branch(a.BranchNumber); b != nil {
		d.BranchNumber = &numberNameDto{Number: b.Number, Name: b.Name}
	}
	for _, l := range a.Lines {
		ld := adjustmentLineDto{UnitCost: l.UnitCost, ExtCost: l.ExtCost, LineNumber: l.LineNumber, Quantity: l.Quantity,
			UOM: l.UOM, Description: l.Description, InventoryItem: &numberDescDto{Number: l.InventoryNumber}}
		if it := s.itemLocked(l.InventoryNumber); it != nil {
			ld.InventoryItem.Description = it.Description
		}
		if w := ref.warehouse(l.WarehouseID); w != nil {
			ld.Warehouse = &idDescDto{ID: w.ID, Description: w.Description}
		}
		if l.LocationID != "" {
			ld.Location = &idNameDto{ID: l.LocationID, Name: l.LocationID}
		}
		if l.ReasonCode != "" {
			ld.ReasonCode = &idDescDto{ID: l.ReasonCode}
		}
		d.AdjusmentLines = append(d.AdjusmentLines, ld)
	}
	return d
}

func (s *Sim) listAdjustments(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	pg, ok := s.page(w, r, MaxPageSize)
	if !ok {
		return
	}
	var ps problems
	changes := parseChanges(q, &ps, "lastModifiedDateTime", "date")
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	var out []adjustmentDto
	for _, a := range s.st.Adjustments {
		if st := q.Get("status"); st != "" && !eqFold(st, a.Status) {
			continue
		}
		if g := q.Get("greaterThanValue"); g != "" && a.ReferenceNumber <= g {
			continue
		}
		if !(stamps{"lastModifiedDateTime": a.Modified, "date": a.Date}).matches(changes) {
			continue
		}
		out = append(out, s.adjustmentDto(a))
	}
	s.mu.Unlock()
	writePage(s, w, r, out, pg, MaxPageSize)
}

func (s *Sim) getAdjustment(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	s.mu.Lock()
	a := s.adjustmentLocked(p.Get("inventoryAdjustmentNumber"))
	var d adjustmentDto
	if a != nil {
		d = s.adjustmentDto(a)
	}
	s.mu.Unlock()
	if a == nil {
		s.notFound(w, r, "Inventory adjustment", p.Get("inventoryAdjustmentNumber"))
		return
	}
	s.out.JSON(w, r, http.StatusOK, d)
}

func (s *Sim) createAdjustment(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	createRecord(s, w, r, &Adjustment{Status: "Balanced"},
		func(a *Adjustment, d *inventoryAdjustmentUpdateDto) problems {
			return s.applyAdjustmentLocked(a, d, true)
		},
		func(a *Adjustment) string {
			if a.ReferenceNumber == "" {
				a.ReferenceNumber = s.nextNumberLocked("adjustment", "%06d", 1, func(n string) bool { return s.adjustmentLocked(n) != nil })
			}
			now := s.now()
			a.Created, a.Modified = now, now
			s.st.Adjustments = append(s.st.Adjustments, a)
			return "/v1/inventoryadjustment/" + a.ReferenceNumber
		})
}

func (s *Sim) updateAdjustment(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	updateReleasable(s, w, r, releasable[Adjustment, inventoryAdjustmentUpdateDto]{
		what: "Inventory adjustment", param: "inventoryAdjustmentNumber", number: p.Get("inventoryAdjustmentNumber"),
		find:     s.adjustmentLocked,
		released: func(a *Adjustment) bool { return a.Released },
		apply: func(a *Adjustment, d *inventoryAdjustmentUpdateDto) problems {
			return s.applyAdjustmentLocked(a, d, false)
		},
		touch: func(a *Adjustment, now time.Time) { a.Modified = now },
	})
}

// applyAdjustmentLocked applies an adjustment write; fresh is a create.
func (s *Sim) applyAdjustmentLocked(a *Adjustment, d *inventoryAdjustmentUpdateDto, fresh bool) problems {
	var ps problems
	ref := &s.st.Ref
	if n, ok := wrapped(d.ReferenceNumber); ok && strings.TrimSpace(n) != "" {
		n = strings.TrimSpace(n)
		switch {
		case fresh && s.adjustmentLocked(n) != nil:
			ps.add("referenceNumber", "An inventory adjustment %s already exists.", n)
		case fresh:
			a.ReferenceNumber = n
		case !eqFold(n, a.ReferenceNumber):
			ps.add("referenceNumber", "'referenceNumber' cannot be changed by an update.")
		}
	}
	if v, ok := wrapped(d.Hold); ok {
		a.Hold = v
		a.Status = map[bool]string{true: "Hold", false: "Balanced"}[v]
	}
	if fresh {
		a.Date, a.BranchNumber = day(s.o.Now()), ref.mainBranch()
	}
	if v, ok := wrapped(d.Date); ok {
		a.Date = v.Time
		a.FinancialPeriod = ""
	}
	if a.FinancialPeriod == "" {
		a.FinancialPeriod = period(a.Date)
	}
	if v, ok := wrapped(d.PostPeriod); ok && v != "" {
		if fp, err := parsePeriod(v); err != nil {
			ps.add("postPeriod", "'postPeriod' is %q: %v.", v, err)
		} else {
			a.FinancialPeriod = fp
		}
	}
	setStr(&a.ExternalReference, d.ExternalReference)
	setStr(&a.Description, d.Description)
	setRef(&ps, "branchNumber", &a.BranchNumber, d.BranchNumber, func(id string) bool { return ref.branch(id) != nil }, "Branch")

	next := int64(1)
	for _, l := range a.Lines {
		next = max(next, l.LineNumber+1)
	}
	for i, ld := range d.AdjustmentLines {
		field := fmt.Sprintf("adjustmentLines[%d]", i)
		op := lineOp(&ps, field, ld.Operation, fresh)
		var line *AdjustmentLine
		switch op {
		case "Insert":
			a.Lines = append(a.Lines, AdjustmentLine{LineNumber: next})
			next++
			line = &a.Lines[len(a.Lines)-1]
		default:
			nbr, ok := wrapped(ld.LineNumber)
			at := slices.IndexFunc(a.Lines, func(l AdjustmentLine) bool { return l.LineNumber == nbr })
			if !ok || at < 0 {
				ps.add(field+".lineNumber", "'%s.lineNumber' must name a line of the adjustment to %s it.", field, strings.ToLower(op))
				continue
			}
			if op == "Delete" {
				a.Lines = slices.Delete(a.Lines, at, at+1)
				continue
			}
			line = &a.Lines[at]
		}
		if n, ok := wrapped(ld.InventoryNumber); ok {
			it := s.itemLocked(n)
			switch {
			case strings.TrimSpace(n) == "":
			case it == nil:
				ps.add(field+".inventoryNumber", "'%s.inventoryNumber': Inventory item %q does not exist.", field, n)
				continue
			case !it.Stock():
				ps.add(field+".inventoryNumber", "'%s.inventoryNumber': %s is a non-stock item; it has no stock to adjust.", field, it.Number)
				continue
			default:
				line.InventoryNumber, line.UOM = it.Number, it.BaseUnit
				if line.WarehouseID == "" {
					line.WarehouseID = firstNonEmpty(it.DefaultWarehouse, ref.mainWarehouse())
				}
			}
		}
		if line.InventoryNumber == "" {
			ps.add(field+".inventoryNumber", "'%s.inventoryNumber' is required.", field)
			continue
		}
		setRef(&ps, field+".warehouseId", &line.WarehouseID, ld.WarehouseId, func(id string) bool { return ref.warehouse(id) != nil }, "Warehouse")
		if wh := ref.warehouse(line.WarehouseID); wh != nil {
			line.WarehouseID = wh.ID // stock is kept by the warehouse's own id
		}
		if op == "Insert" && ld.Quantity == nil {
			ps.add(field+".quantity", "'%s.quantity' is required.", field)
		}
		setDec(&line.Quantity, ld.Quantity)
		setDec(&line.UnitCost, ld.UnitCost)
		line.ExtCost = line.Quantity.Mul(line.UnitCost).Round2()
		setDec(&line.ExtCost, ld.ExtCost)
		setStr(&line.LocationID, ld.LocationId)
		setStr(&line.UOM, ld.Uom)
		setStr(&line.ReasonCode, ld.ReasonCode)
		setStr(&line.Description, ld.Description)
	}
	if len(a.Lines) == 0 {
		ps.add("adjustmentLines", "'adjustmentLines' is required: an adjustment needs lines.")
	}
	a.TotalQuantity, a.TotalCost = Dec{}, Dec{}
	for _, l := range a.Lines {
		a.TotalQuantity = a.TotalQuantity.Add(l.Quantity)
		a.TotalCost = a.TotalCost.Add(l.ExtCost)
	}
	return ps
}

// releaseAdjustment books an adjustment: every line's quantity moves the
// on-hand stock of its item in its warehouse, exactly once.
func (s *Sim) releaseAdjustment(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	number := p.Get("adjRefNumber")
	s.mu.Lock()
	a := s.adjustmentLocked(number)
	var problem, id string
	switch {
	case a == nil:
	case a.Released:
		problem = fmt.Sprintf("The inventory adjustment %s is released already.", a.ReferenceNumber)
	case a.Hold:
		problem = fmt.Sprintf("The inventory adjustment %s is on hold and cannot be released.", a.ReferenceNumber)
	default:
		now := s.now()
		for _, l := range a.Lines {
			if it := s.itemLocked(l.InventoryNumber); it != nil {
				if it.OnHand == nil {
					it.OnHand = map[string]Dec{}
				}
				it.OnHand[l.WarehouseID] = it.OnHand[l.WarehouseID].Add(l.Quantity)
				it.AvailabilityModified = now
			}
		}
		a.Released, a.Status, a.Modified = true, "Released", now
		id = s.guidLocked()
	}
	s.mu.Unlock()
	switch {
	case a == nil:
		s.notFound(w, r, "Inventory adjustment", number)
	case problem != "":
		s.bad(w, r, "adjRefNumber", "%s", problem)
	default:
		s.out.JSON(w, r, http.StatusOK, actionResultDto{ActionID: id, ActionResult: "Done"})
	}
}
