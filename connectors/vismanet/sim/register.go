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
	// DemoRequestsPerHour is the demo company's rate limit window.
	DemoRequestsPerHour = 120_000
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
			// The demo company's window is larger than production's
			// published 15,000 an hour: the client paces by what the
			// answers report, and a demo's first minute (a backlog of
			// orders, the first catalogue runs) should not wait as a
			// production backlog would.
			o.RequestsPerHour = DemoRequestsPerHour
			if c.Unlimited {
				o.RequestsPerHour = -1
			}
			return New(o)
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedConsumerDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
