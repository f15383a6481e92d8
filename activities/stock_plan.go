package activities

import (
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// StockRules are the stock flow's settings that decide what is written.
type StockRules struct {
	Calculation string
	Buffer      model.Quantity
	ManageStock bool
}

// StockToShow is the quantity the target shows for a source level: the
// calculation's figure minus the safety buffer, never below zero.
func StockToShow(l model.StockLevel, r StockRules) model.Quantity {
	var q model.Quantity
	switch r.Calculation {
	case config.CalcPhysical:
		q = l.Physical
	case config.CalcAvailable:
		q = l.Available
	default: // config.CalcAvailableMinusReserved
		q = l.Available - l.Reserved
	}
	q -= r.Buffer
	if q < 0 {
		return 0
	}
	return q
}

// StockPlan is what to do with one SKU's stock.
type StockPlan struct {
	Outcome Outcome
	// Set is the absolute quantity to write (for updated).
	Set model.Quantity
}

// PlanStock compares what the target shows with what it should show; only a
// difference (or stock keeping to switch on) is written, so a run pushes only
// what changed and a reconciliation corrects only what drifted.
func PlanStock(want model.Quantity, have *connectors.TargetStock, manage bool) StockPlan {
	if have == nil {
		return StockPlan{Outcome: OutcomeMissing}
	}
	if have.Quantity == want && (!manage || have.Managed) {
		return StockPlan{Outcome: OutcomeUnchanged}
	}
	return StockPlan{Outcome: OutcomeUpdated, Set: want}
}
