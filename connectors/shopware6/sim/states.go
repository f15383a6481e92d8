package sim

import (
	"fmt"
	"slices"
	"strings"
)

// The three default state machines of an order (research §1.8), by their
// technical names. A transition is called by its action name; one not
// allowed from the current state is refused with the actions that are.

// Machine names.
const (
	OrderMachine    = "order.state"
	PaymentMachine  = "order_transaction.state"
	DeliveryMachine = "order_delivery.state"
)

// machine is one state machine: the states and, per state, the actions
// allowed from it with the state each leads to.
type machine struct {
	initial string
	states  []string
	actions map[string]map[string]string // from → action → to
}

var machines = map[string]*machine{
	OrderMachine: build("open", []string{"open", "in_progress", "completed", "cancelled"}, map[string][]string{
		"open":        {"process", "cancel"},
		"in_progress": {"complete", "cancel"},
		"completed":   {"reopen"},
		"cancelled":   {"reopen"},
	}, map[string]string{"process": "in_progress", "complete": "completed", "cancel": "cancelled", "reopen": "open"}),

	PaymentMachine: build("open", []string{"open", "in_progress", "paid", "paid_partially", "authorized", "unconfirmed",
		"reminded", "failed", "cancelled", "refunded", "refunded_partially", "chargeback"}, map[string][]string{
		"open":               {"pay", "pay_partially", "paid", "paid_partially", "do_pay", "process_unconfirmed", "authorize", "remind", "fail", "cancel"},
		"reminded":           {"pay", "pay_partially", "do_pay", "process_unconfirmed", "authorize", "cancel", "reopen"},
		"in_progress":        {"paid", "paid_partially", "pay_partially", "authorize", "fail", "cancel", "reopen"},
		"failed":             {"pay", "paid", "paid_partially", "pay_partially", "do_pay", "process_unconfirmed", "fail", "reopen"},
		"authorized":         {"paid", "paid_partially", "fail", "cancel"},
		"unconfirmed":        {"paid", "paid_partially", "fail", "cancel", "authorize", "reopen"},
		"paid":               {"refund", "refund_partially", "cancel", "chargeback", "reopen"},
		"paid_partially":     {"pay", "refund", "refund_partially", "remind", "do_pay", "process_unconfirmed", "cancel", "chargeback", "reopen"},
		"refunded_partially": {"refund", "cancel", "reopen"},
		"chargeback":         {"paid", "paid_partially", "cancel"},
		"cancelled":          {"reopen", "paid", "refund", "refund_partially", "process_unconfirmed"},
		"refunded":           {},
	}, map[string]string{"pay": "paid", "paid": "paid", "pay_partially": "paid_partially", "paid_partially": "paid_partially",
		"do_pay": "in_progress", "process_unconfirmed": "unconfirmed", "authorize": "authorized", "remind": "reminded",
		"fail": "failed", "cancel": "cancelled", "refund": "refunded", "refund_partially": "refunded_partially",
		"chargeback": "chargeback", "reopen": "open"}),

	DeliveryMachine: build("open", []string{"open", "shipped", "shipped_partially", "returned", "returned_partially", "cancelled"}, map[string][]string{
		"open":               {"ship", "ship_partially", "cancel"},
		"shipped":            {"retour", "retour_partially", "cancel", "reopen"},
		"shipped_partially":  {"ship", "retour", "retour_partially", "cancel", "reopen"},
		"returned":           {"reopen"},
		"returned_partially": {"retour", "reopen"},
		"cancelled":          {"reopen"},
	}, map[string]string{"ship": "shipped", "ship_partially": "shipped_partially", "retour": "returned",
		"retour_partially": "returned_partially", "cancel": "cancelled", "reopen": "open"}),
}

func build(initial string, states []string, allowed map[string][]string, target map[string]string) *machine {
	m := &machine{initial: initial, states: states, actions: map[string]map[string]string{}}
	for from, actions := range allowed {
		m.actions[from] = map[string]string{}
		for _, a := range actions {
			m.actions[from][a] = target[a]
		}
	}
	return m
}

// allowed lists the actions allowed from a state, sorted.
func (m *machine) allowed(from string) []string {
	var out []string
	for a := range m.actions[from] {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// illegalTransition is SYSTEM__ILLEGAL_STATE_TRANSITION (research §1.8).
type illegalTransition struct {
	action, from string
	possible     []string
}

func (e *illegalTransition) Error() string {
	return fmt.Sprintf("Illegal transition %q from state %q. Possible transitions are: %s", e.action, e.from, strings.Join(e.possible, ", "))
}

// next is the state action leads to from from, or the refusal.
func (m *machine) next(from, action string) (string, error) {
	to, ok := m.actions[from][action]
	if !ok {
		return "", &illegalTransition{action: action, from: from, possible: m.allowed(from)}
	}
	return to, nil
}

// stateName is a state's display name ("in_progress" → "In progress").
func stateName(technical string) string {
	s := strings.ReplaceAll(technical, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func stateID(machineName, technical string) string {
	return fixtureID("state_machine_state", machineName+"/"+technical)
}

func machineID(machineName string) string { return fixtureID("state_machine", machineName) }

// defaultStates are the states of the three machines, as a fresh shop has them.
func defaultStates() []*machineState {
	var out []*machineState
	for _, name := range []string{OrderMachine, PaymentMachine, DeliveryMachine} {
		for _, st := range machines[name].states {
			out = append(out, &machineState{ID: stateID(name, st), Machine: name, TechnicalName: st, Name: stateName(st)})
		}
	}
	return out
}
