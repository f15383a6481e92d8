// Package contract checks what a connector sends and what its simulator
// answers against the outside systems' own machine-readable contracts in
// ../shared/specs next to the repository: WSDL 1.1 with inline XSD (wsdl.go,
// soap.go) and OpenAPI 3 (openapi.go, through kin-openapi's openapi3filter).
// Only tests import it.
//
// A contract is the vendor's generated file, complete about shapes and
// silent about errors and auth; the checks therefore validate what a
// contract describes (operations, parameters, bodies of declared statuses)
// and let the rest pass: a body a proxy sends with a 503, a status the
// contract does not declare.
package contract

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// SpecsDirName is where the contracts live, relative to the folder that holds
// the repository (the repository sits next to ../shared).
const SpecsDirName = "shared/specs"

// Spec files in SpecsDir.
const (
	MplusWSDL       = "mplusqapi.wsdl"
	ShopwareOpenAPI = "shopware-adminapi.json"
	EAccounting     = "eaccounting-v2.openapi.yaml"
	VismaNetOpenAPI = "vismanet-erp-api.openapi.json"
)

// ErrNoSpecs says the specs folder was not found above the working directory.
var ErrNoSpecs = errors.New("no " + SpecsDirName + " folder in the working directory or above it (the repository sits next to ../shared)")

// SpecPath finds a spec file by walking up from the working directory (a
// test runs in its package's folder) to the first folder holding
// shared/specs/<name>.
func SpecPath(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, SpecsDirName, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoSpecs
		}
		dir = parent
	}
}

// specForTest is SpecPath that skips the test, saying why, when the file is
// absent: a checkout without ../shared still runs every other test.
func specForTest(t testing.TB, name string) string {
	t.Helper()
	p, err := SpecPath(name)
	if err != nil {
		t.Skipf("the contract %s is not here (%v); the contract check needs it", name, err)
	}
	return p
}

// specCache loads each spec file once per process: the files are megabytes
// (mplusqapi.wsdl 1.2 MB, the OpenAPI files up to 4 MB), and every test of a
// run shares the result.
type specCache[T any] struct {
	mu    sync.Mutex
	files map[string]*cachedSpec[T]
	load  func(path string) (T, error)
}

type cachedSpec[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (c *specCache[T]) get(path string) (T, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		var zero T
		return zero, err
	}
	c.mu.Lock()
	if c.files == nil {
		c.files = map[string]*cachedSpec[T]{}
	}
	f, ok := c.files[abs]
	if !ok {
		f = &cachedSpec[T]{}
		c.files[abs] = f
	}
	c.mu.Unlock()
	f.once.Do(func() { f.v, f.err = c.load(abs) })
	return f.v, f.err
}
