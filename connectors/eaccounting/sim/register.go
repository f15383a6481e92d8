package sim

import (
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// DemoPort is where the local demo serves the simulated eAccounting.
const DemoPort = 18084

// The demo app's OAuth client; the identity server knows only it.
const (
	DemoClientID     = "koppel-demo-app"
	DemoClientSecret = "demo-client-secret"
)

func init() {
	simkit.Register(simkit.Registration{
		System:   eaccounting.System,
		DemoPort: DemoPort,
		DemoCredentials: map[string]string{
			eaccounting.CredClientID: DemoClientID, eaccounting.CredClientSecret: DemoClientSecret},
		New: func(c simkit.Config) simkit.Instance {
			o := Options{ClientID: c.Credentials[eaccounting.CredClientID], ClientSecret: c.Credentials[eaccounting.CredClientSecret]}
			if c.Unlimited {
				o.RequestsPerMinute = -1
			}
			return New(o)
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
