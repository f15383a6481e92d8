package ecwid

import "github.com/koppel/koppel/connectors"

// The connector registers itself; connectors/builtin imports the package.
func init() { connectors.Register(Registration) }
