package sim

import (
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/simkit"
)

// DemoPort is where the local demo serves the first simulated shop.
const DemoPort = 18081

func init() {
	simkit.Register(simkit.Registration{
		System:          ccvshop.System,
		DemoPort:        DemoPort,
		DemoCredentials: map[string]string{"publicKey": "demo-public-key", "secretKey": "demo-secret-key"},
		New: func(c simkit.Config) simkit.Instance {
			o := Options{PublicKey: c.Credentials["publicKey"], SecretKey: c.Credentials["secretKey"]}
			if c.Unlimited {
				o.ReadsPerMinute, o.WritesPerMinute = -1, -1
			}
			return New(o)
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
