// Package sim is the local CCV SalesPOS: the CCV simulator
// (connectors/ccvshop/sim) with its SalesPOS flavour switched on — the
// SalesPOS media type, POS sales with their till and store, cash-ups and
// terminal receipts — seeded with a day of till activity (demo.go) and
// registered for `starter dev`.
package sim

import (
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/connectors/simkit"
)

// Sim is the simulated SalesPOS account; Options configure it (see
// ccvshop/sim: keys, clock, limits, paging, prices and faults).
type (
	Sim     = ccvsim.Sim
	Options = ccvsim.Options
)

// DemoPort is where the local demo serves the first simulated SalesPOS.
const DemoPort = 18087

// New builds a SalesPOS simulator with no data: the CCV simulator with
// Options.SalesPOS set, whatever o says.
func New(o Options) *Sim {
	o.SalesPOS = true
	return ccvsim.New(o)
}

func init() {
	simkit.Register(simkit.Registration{
		System:   salespos.System,
		DemoPort: DemoPort,
		DemoCredentials: map[string]string{
			salespos.CredentialPublicKey: "demo-salespos-public-key",
			salespos.CredentialSecretKey: "demo-salespos-secret-key",
		},
		New: func(c simkit.Config) simkit.Instance {
			o := Options{PublicKey: c.Credentials[salespos.CredentialPublicKey], SecretKey: c.Credentials[salespos.CredentialSecretKey]}
			if c.Unlimited {
				o.ReadsPerMinute, o.WritesPerMinute = -1, -1
			}
			return New(o)
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
