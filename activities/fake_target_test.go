package activities

import (
	"context"
	"strconv"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// fakeTarget is an in-memory OrderTarget for the decisions activities make.
type fakeTarget struct {
	customers  map[string]connectors.CustomerRecord // by e-mail
	orders     map[string]connectors.TargetOrder    // by external id
	created    []model.Customer
	updated    []string
	createErr  error
	calls      int
	knownSKUs  map[string]string
	nextNumber int
}

func (f *fakeTarget) FindOrder(_ context.Context, ext string, _ connectors.OrderKind) (connectors.TargetOrder, bool, error) {
	f.calls++
	o, ok := f.orders[ext]
	return o, ok, nil
}

func (f *fakeTarget) CreateOrder(_ context.Context, d connectors.OrderDraft) (connectors.TargetOrder, error) {
	f.calls++
	if f.createErr != nil {
		return connectors.TargetOrder{}, f.createErr
	}
	f.nextNumber++
	o := connectors.TargetOrder{ID: "ORD-" + strconv.Itoa(f.nextNumber), Kind: d.Kind}
	f.orders[d.ExternalID] = o
	return o, nil
}

func (f *fakeTarget) FindCustomer(_ context.Context, m connectors.CustomerMatch) (*connectors.CustomerRecord, error) {
	f.calls++
	if r, ok := f.customers[m.Value]; ok {
		return &r, nil
	}
	return nil, nil
}

func (f *fakeTarget) CreateCustomer(_ context.Context, c model.Customer) (string, error) {
	f.calls++
	f.created = append(f.created, c)
	return "new-" + strconv.Itoa(len(f.created)), nil
}

func (f *fakeTarget) UpdateCustomer(_ context.Context, id string, _ model.Customer) error {
	f.calls++
	f.updated = append(f.updated, id)
	return nil
}

func (f *fakeTarget) LookupProducts(_ context.Context, skus []string) (map[string]string, error) {
	f.calls++
	out := map[string]string{}
	for _, s := range skus {
		if id, ok := f.knownSKUs[s]; ok {
			out[s] = id
		}
	}
	return out, nil
}

func newFakeTarget() *fakeTarget {
	return &fakeTarget{customers: map[string]connectors.CustomerRecord{}, orders: map[string]connectors.TargetOrder{},
		knownSKUs: map[string]string{"MUG-1": "501"}}
}

func actsWith(t *fakeTarget, flow config.OrderFlow) *Activities {
	if flow.CustomerMatch == "" {
		flow.CustomerMatch = "email"
	}
	return &Activities{Integrations: map[string]*Integration{"demo": {
		Config: config.Integration{Name: "demo", Target: config.System{System: "mplus"}, Flows: config.Flows{Orders: &flow}},
		Target: t,
	}}}
}
