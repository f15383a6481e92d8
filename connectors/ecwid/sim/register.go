package sim

import (
	"strconv"

	"github.com/koppel/koppel/connectors/ecwid"
	"github.com/koppel/koppel/connectors/simkit"
)

// DemoPort is where the local demo serves the simulated Ecwid store.
const DemoPort = 18086

func init() {
	simkit.Register(simkit.Registration{
		System:   ecwid.System,
		DemoPort: DemoPort,
		DemoCredentials: map[string]string{
			ecwid.CredStoreID: strconv.Itoa(DemoStoreID), ecwid.CredToken: DemoToken},
		New: func(c simkit.Config) simkit.Instance {
			// A store id that is no number keeps the demo's: the client
			// then meets STORE_NOT_FOUND, as against the real API.
			store, _ := strconv.ParseInt(c.Credentials[ecwid.CredStoreID], 10, 64)
			o := Options{StoreID: store, Tokens: map[string][]string{c.Credentials[ecwid.CredToken]: AllScopes}}
			if c.Unlimited {
				o.RequestsPerMinute = -1
			}
			return New(o)
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
