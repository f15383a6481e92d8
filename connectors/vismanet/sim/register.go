package sim

import (
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
)

// DemoPort is where the local demo serves the simulated Visma.net (token
// endpoint and API on one address).
const DemoPort = 18085

// The demo's service application and the company that approved it.
const (
	DemoClientID     = "koppel-demo-vismanet"
	DemoClientSecret = "demo-vismanet-secret"
	DemoTenantID     = "demo-tenant"
)

func init() {
	simkit.Register(simkit.Registration{
		System:   vismanet.System,
		DemoPort: DemoPort,
		DemoCredentials: map[string]string{
			vismanet.CredClientID: DemoClientID, vismanet.CredClientSecret: DemoClientSecret, vismanet.CredTenantID: DemoTenantID},
		New: func(c simkit.Config) simkit.Instance {
			o := Options{ClientID: c.Credentials[vismanet.CredClientID], ClientSecret: c.Credentials[vismanet.CredClientSecret],
				TenantID: c.Credentials[vismanet.CredTenantID]}
			if c.Unlimited {
				o.RequestsPerHour = -1
			}
			return New(o)
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
