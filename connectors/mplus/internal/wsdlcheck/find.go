package wsdlcheck

import (
	"os"
	"path/filepath"
	"testing"
)

// ForTest loads the contract from shared/specs next to the repository (found
// by walking up from the test's directory), or skips the test, saying why.
func ForTest(t testing.TB) *WSDL {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		path := filepath.Join(dir, "..", "shared", "specs", "mplusqapi.wsdl")
		if _, err := os.Stat(path); err == nil {
			w, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("the MplusQAPI WSDL (shared/specs/mplusqapi.wsdl next to the repository) is not here; the contract test needs it")
		}
		dir = parent
	}
}
