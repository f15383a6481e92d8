package ccvshop

import "github.com/koppel/koppel/connectors"

func init() {
	connectors.Register(connectors.Registration{
		Name:         System,
		Credentials:  []string{"publicKey", "secretKey"},
		Capabilities: []connectors.Capability{connectors.CapOrderSource},
		New: func(s connectors.Settings) (any, error) {
			return New(Config{
				BaseURL: s.BaseURL, PublicKey: s.Credentials["publicKey"], SecretKey: s.Credentials["secretKey"],
				Timeout: s.Timeout, ReadsPerMinute: s.ReadsPerMinute, WritesPerMinute: s.WritesPerMinute,
				TotalPerMinute: s.TotalPerMinute, Observe: s.Observe,
			})
		},
	})
}
