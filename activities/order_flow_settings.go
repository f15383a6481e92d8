package activities

import (
	"context"
	"time"
)

// OrderFlowSettingsInput names an integration.
type OrderFlowSettingsInput struct {
	Integration string `json:"integration"`
}

// OrderFlowSettings are the order flow settings the polling workflow needs.
type OrderFlowSettings struct {
	Source string `json:"source"`
	Target string `json:"target"`
	// StartFrom is where the very first run starts; zero means the beginning.
	StartFrom       time.Time     `json:"startFrom"`
	PageSize        int           `json:"pageSize"`
	MaxOrdersPerRun int           `json:"maxOrdersPerRun"`
	SettleDelay     time.Duration `json:"settleDelay"`
	PendingMaxAge   time.Duration `json:"pendingMaxAge"`
}

// LoadOrderFlowSettings reads the current settings from the worker's
// integration file, so a changed file takes effect on the next run.
func (a *Activities) LoadOrderFlowSettings(_ context.Context, in OrderFlowSettingsInput) (OrderFlowSettings, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return OrderFlowSettings{}, err
	}
	f := rt.Config.Flows.Orders
	return OrderFlowSettings{
		Source: rt.Config.Source.System, Target: rt.Config.Target.System,
		StartFrom: f.StartFrom.Time, PageSize: f.PageSize, MaxOrdersPerRun: f.MaxOrdersPerRun,
		SettleDelay: f.SettleDelay.D(), PendingMaxAge: f.PendingMaxAge.D(),
	}, nil
}
