package activities

import (
	"context"
	"fmt"
)

// CatalogFlowSettingsInput names an integration and a catalog flow
// (products, stock or customers).
type CatalogFlowSettingsInput struct {
	Integration string `json:"integration"`
	Flow        string `json:"flow"`
}

// CatalogFlowSettings are what a catalog workflow needs to page: the systems
// it reads and writes (in the flow's direction) and its page limits.
type CatalogFlowSettings struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Direction   string `json:"direction,omitempty"`
	PageSize    int    `json:"pageSize"`
	PagesPerRun int    `json:"pagesPerRun"`
}

// LoadCatalogFlowSettings reads the flow's current settings from the worker's
// integration file, so a changed file takes effect on the next run.
func (a *Activities) LoadCatalogFlowSettings(_ context.Context, in CatalogFlowSettingsInput) (CatalogFlowSettings, error) {
	rt, err := a.integration(in.Integration)
	if err != nil {
		return CatalogFlowSettings{}, err
	}
	switch {
	case in.Flow == "products" && rt.Products != nil:
		f := rt.Products
		return CatalogFlowSettings{From: f.FromName, To: f.ToName, Direction: string(f.Direction),
			PageSize: f.Settings.PageSize, PagesPerRun: f.Settings.PagesPerRun}, nil
	case in.Flow == "stock" && rt.Stock != nil:
		f := rt.Stock
		return CatalogFlowSettings{From: f.FromName, To: f.ToName, Direction: string(f.Direction),
			PageSize: f.Settings.PageSize, PagesPerRun: f.Settings.PagesPerRun}, nil
	case in.Flow == "customers" && rt.Customers != nil:
		f := rt.Customers
		return CatalogFlowSettings{From: rt.Config.Source.System, To: f.ToName,
			PageSize: f.Settings.PageSize, PagesPerRun: f.Settings.PagesPerRun}, nil
	}
	return CatalogFlowSettings{}, configError(fmt.Errorf("integration %q has no enabled %s flow in this worker's integration file", in.Integration, in.Flow))
}
