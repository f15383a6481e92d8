package sim

import (
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/simkit"
)

// DemoPort is where the local demo serves the first simulated till.
const DemoPort = 18082

func init() {
	simkit.Register(simkit.Registration{
		System:          mplus.System,
		DemoPort:        DemoPort,
		DemoCredentials: map[string]string{"ident": "demo-ident", "secret": "demo-secret"},
		// The till has no published rate limit, so Unlimited changes nothing.
		New: func(c simkit.Config) simkit.Instance {
			return New(Options{Ident: c.Credentials["ident"], Secret: c.Credentials["secret"]})
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
