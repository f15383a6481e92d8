package sim

import (
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/simkit"
)

// DemoPort is where the local demo serves the first simulated shop.
const DemoPort = 18083

// Demo credentials: an integration's access key id has the form SWIA…
// followed by upper-case letters and digits.
const (
	DemoAccessKeyID     = "SWIADEMOKOPPELACCESSKEY01"
	DemoSecretAccessKey = "demo-secret-access-key"
)

func init() {
	simkit.Register(simkit.Registration{
		System:          shopware6.System,
		DemoPort:        DemoPort,
		DemoCredentials: map[string]string{"accessKeyId": DemoAccessKeyID, "secretAccessKey": DemoSecretAccessKey},
		New: func(c simkit.Config) simkit.Instance {
			// Shopware core limits only logins; Unlimited turns that off too.
			return New(Options{AccessKeyID: c.Credentials["accessKeyId"], SecretAccessKey: c.Credentials["secretAccessKey"],
				NoLoginLimiter: c.Unlimited})
		},
		Seed:     func(i simkit.Instance, d simkit.DemoContext) { SeedDemo(i.(*Sim), d) },
		Activity: func(i simkit.Instance, d simkit.DemoContext) { DemoActivity(i.(*Sim), d) },
	})
}
