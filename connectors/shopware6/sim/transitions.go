package sim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

// The transition routes (research §1.4, §1.8): POST
// /api/_action/{order|order_transaction|order_delivery}/{id}/state/{action}
// answers 200 with the new state_machine_state; an action not allowed from
// the current state is 400 SYSTEM__ILLEGAL_STATE_TRANSITION naming the
// possible ones (its status is [L]). A transition writes the entity it
// changes (its updatedAt), not the order above a payment or a delivery.

// machineOf names the machine of an entity name as the routes spell it.
var machineOf = map[string]string{"order": OrderMachine, "order_transaction": PaymentMachine, "order_delivery": DeliveryMachine}

func transitionRoute(machineName string) routeFunc {
	return func(s *Sim, _ *http.Request, p simkit.Params, _ []byte) reply {
		st, e := s.transition(machineName, p.Values()[0], p.Get("transition"))
		if e != nil {
			return fail(*e)
		}
		return ok(renderMachineState(st))
	}
}

// stateful is what a machine's state lives on.
type stateful struct {
	stateID *string
	touch   func()
	entity  string
}

// target finds the order, payment or delivery id names (lock held).
func (s *Sim) target(machineName, id string) (*stateful, *apiError) {
	entity := strings.TrimSuffix(machineName, ".state")
	if !isID(id) {
		return nil, &apiError{Status: 400, Code: "FRAMEWORK__INVALID_UUID", Detail: fmt.Sprintf("Value is not a valid UUID: %s", id)}
	}
	now := s.o.Now().UTC()
	for _, o := range s.state.Orders {
		switch machineName {
		case OrderMachine:
			if o.ID == id {
				return &stateful{&o.StateID, func() { o.UpdatedAt = &now }, entity}, nil
			}
		case PaymentMachine:
			for _, p := range o.Transactions {
				if p.ID == id {
					return &stateful{&p.StateID, func() { p.UpdatedAt = &now }, entity}, nil
				}
			}
		case DeliveryMachine:
			for _, d := range o.Deliveries {
				if d.ID == id {
					return &stateful{&d.StateID, func() { d.UpdatedAt = &now }, entity}, nil
				}
			}
		}
	}
	return nil, notFoundError(entity, id)
}

// transition applies action to the entity's machine (lock held).
func (s *Sim) transition(machineName, id, action string) (*machineState, *apiError) {
	t, e := s.target(machineName, id)
	if e != nil {
		return nil, e
	}
	from := s.stateByID(*t.stateID)
	to, err := machines[machineName].next(from.TechnicalName, action)
	var illegal *illegalTransition
	if errors.As(err, &illegal) {
		return nil, &apiError{Status: 400, Code: "SYSTEM__ILLEGAL_STATE_TRANSITION", Detail: err.Error(),
			Params: map[string]any{"transition": action, "fromStateName": from.TechnicalName,
				"possibleTransitionsString": strings.Join(illegal.possible, ", ")}}
	}
	st := s.stateNamed(machineName, to)
	*t.stateID = st.ID
	t.touch()
	return st, nil
}

// transitions serves GET /api/_action/state-machine/{entityName}/{entityId}/state.
func (s *Sim) transitions(_ *http.Request, p simkit.Params, _ []byte) reply {
	machineName, known := machineOf[p.Get("entityName")]
	if !known {
		return fail(apiError{Status: 400, Code: "FRAMEWORK__DEFINITION_NOT_FOUND",
			Detail: fmt.Sprintf("Definition for entity %q does not exist.", p.Get("entityName"))})
	}
	t, e := s.target(machineName, p.Get("entityId"))
	if e != nil {
		return fail(*e)
	}
	from := s.stateByID(*t.stateID)
	m := machines[machineName]
	list := []any{}
	for _, action := range m.allowed(from.TechnicalName) {
		to := m.actions[from.TechnicalName][action]
		list = append(list, node{"name": stateName(to), "technicalName": action, "actionName": action,
			"fromStateName": from.TechnicalName, "toStateName": to,
			"url": fmt.Sprintf("%s/_action/%s/%s/state/%s", APIPath, t.entity, p.Get("entityId"), action)})
	}
	return ok(node{"transitions": list})
}

// stateByID is a state by id; an unknown id reads as a state without a name.
func (s *Sim) stateByID(id string) *machineState {
	for _, st := range s.state.States {
		if st.ID == id {
			return st
		}
	}
	return &machineState{ID: id}
}

// stateNamed is the state of a machine with a technical name, created when
// the shop has none yet (a state a shop added to its machine).
func (s *Sim) stateNamed(machineName, technical string) *machineState {
	for _, st := range s.state.States {
		if st.Machine == machineName && st.TechnicalName == technical {
			return st
		}
	}
	st := &machineState{ID: stateID(machineName, technical), Machine: machineName, TechnicalName: technical, Name: stateName(technical)}
	s.state.States = append(s.state.States, st)
	return st
}
