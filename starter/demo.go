package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/koppel/koppel/config"
	_ "github.com/koppel/koppel/connectors/builtin/sims"
	"github.com/koppel/koppel/connectors/simkit"
)

// The local demo runs whatever integration file it is given against
// simulators. Every integration side gets a simulator of its system; sides
// that name the same system and baseURL share one (two shops into one
// till), others get their own instance with their own data. The user's file
// is never changed: the worker runs a derived copy in the data folder, with
// each baseURL pointing at its simulator and each credential at a demo
// variable, so `starter dev` never reaches a real system nor reads a real
// secret, whatever the file says. The first simulator of a system listens
// on the system's demo port (the example file's baseURLs), further ones on
// the next free ports above all demo ports.

// devSim is one simulator instance of the demo.
type devSim struct {
	reg simkit.Registration
	// fileURL is the baseURL the file gives its sides; with the system it is
	// the instance's identity, and names its snapshot.
	fileURL string
	// nth counts the instances of the system from 1, in file order.
	nth      int
	users    []string // "demo-shop source", …
	inst     simkit.Instance
	srv      *simkit.Server
	snapshot string
}

// devSide is one side of one integration of the file.
type devSide struct {
	integration int
	side        string // source or target
}

// devSims is every simulator of a demo, in the order the file names them.
type devSims struct {
	list   []*devSim
	bySide map[devSide]*devSim
	saveMu sync.Mutex
}

// portPolicy says where simulators listen: the demo's fixed ports, or any
// free port (tests, which must not collide with a running demo).
type portPolicy int

const (
	demoPorts portPolicy = iota
	anyPorts
)

// planSims assigns every side of every integration its simulator, without
// starting anything.
func planSims(f *config.File, dir string) (*devSims, error) {
	s := &devSims{bySide: map[devSide]*devSim{}}
	byKey := map[string]*devSim{}
	count := map[string]int{}
	for i, in := range f.Integrations {
		for _, side := range []struct {
			name string
			sys  config.System
		}{{"source", in.Source}, {"target", in.Target}} {
			reg, ok := simkit.Lookup(side.sys.System)
			if !ok {
				return nil, fmt.Errorf("integration %s: %s has no simulator, and starter dev runs integrations between simulated systems only (%s)",
					in.Name, side.sys.System, strings.Join(simkit.Systems(), ", "))
			}
			url := strings.TrimRight(side.sys.BaseURL, "/")
			key := side.sys.System + " " + url
			d, seen := byKey[key]
			if !seen {
				count[reg.System]++
				d = &devSim{reg: reg, fileURL: url, nth: count[reg.System],
					snapshot: filepath.Join(dir, "sims", snapshotName(reg.System, url))}
				byKey[key] = d
				s.list = append(s.list, d)
			}
			d.users = append(d.users, in.Name+" "+side.name)
			s.bySide[devSide{i, side.name}] = d
		}
	}
	return s, nil
}

// snapshotName turns system and baseURL into a file name: the same file
// finds the same state on the next run, whatever port the instance gets.
func snapshotName(system, url string) string {
	_, rest, found := strings.Cut(url, "://")
	if !found {
		rest = url
	}
	name := []rune(system + "-" + rest)
	for i, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			name[i] = '_'
		}
	}
	return string(name) + ".json"
}

// startSims plans the simulators of f, restores each from its snapshot in
// dir or seeds it with demo data, and serves it.
func startSims(f *config.File, dir string, ports portPolicy, out io.Writer) (*devSims, error) {
	s, err := planSims(f, dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "sims"), 0o755); err != nil {
		return nil, err
	}
	now := time.Now()
	for _, d := range s.list {
		d.inst = d.reg.Build(simkit.Config{})
		restored, err := d.restore(dir)
		if err != nil {
			s.close()
			return nil, err
		}
		what := "restored"
		if !restored {
			what = "seeded with demo data"
			if d.reg.Seed != nil {
				d.reg.Seed(d.inst, simkit.DemoContext{Now: now, Instance: d.nth})
			}
		}
		if err := d.listen(ports); err != nil {
			s.close()
			return nil, err
		}
		fmt.Fprintf(out, "%s simulator on %s for %s: %s\n", d.reg.System, d.srv.URL, strings.Join(d.users, ", "), what)
	}
	return s, nil
}

// restore loads the instance's snapshot; false means there is none.
func (d *devSim) restore(dir string) (bool, error) {
	b, err := os.ReadFile(d.snapshot)
	if errors.Is(err, fs.ErrNotExist) && d.nth == 1 {
		// Before simulators were built per integration, the demo kept one
		// of each system under the system's name.
		b, err = os.ReadFile(filepath.Join(dir, d.reg.System+".json"))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := d.inst.Restore(b); err != nil {
		return false, fmt.Errorf("%s: %w; delete it to start this simulator afresh", d.snapshot, err)
	}
	return true, nil
}

func (d *devSim) listen(ports portPolicy) error {
	var err error
	switch {
	case ports == anyPorts:
		d.srv, err = simkit.Start("127.0.0.1:0", d.inst)
	case d.nth == 1:
		addr := fmt.Sprintf("127.0.0.1:%d", d.reg.DemoPort)
		if d.srv, err = simkit.Start(addr, d.inst); err != nil {
			err = fmt.Errorf("%s simulator: %s is in use (%v); stop whatever runs there (an earlier make run?) and try again", d.reg.System, addr, err)
		}
	default:
		// A port taken by anything, our own simulators included, is skipped.
		first := simkit.FirstExtraPort()
		for port := first; port < first+200; port++ {
			if d.srv, err = simkit.Start(fmt.Sprintf("127.0.0.1:%d", port), d.inst); err == nil {
				return nil
			}
		}
		err = fmt.Errorf("%s simulator: no free port from %d on: %w", d.reg.System, first, err)
	}
	return err
}

// url is where the instance serves, once started.
func (d *devSim) url() string { return d.srv.URL }

// credentialVar names the environment variable the derived file reads a
// demo credential from. Every instance of a system accepts the same demo
// credentials, so one variable per system and credential does.
func credentialVar(system, credential string) string {
	name := []rune("KOPPEL_DEMO_" + strings.ToUpper(system+"_"+credential))
	for i, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			name[i] = '_'
		}
	}
	return string(name)
}

// credentialEnv is the environment the worker needs for the derived file.
func (s *devSims) credentialEnv() []string {
	seen := map[string]bool{}
	var env []string
	for _, d := range s.list {
		if seen[d.reg.System] {
			continue
		}
		seen[d.reg.System] = true
		for _, name := range slices.Sorted(maps.Keys(d.reg.DemoCredentials)) {
			env = append(env, credentialVar(d.reg.System, name)+"="+d.reg.DemoCredentials[name])
		}
	}
	return env
}

// deriveFile returns the file the worker runs: raw (the user's file) with
// every side's baseURL and credentials replaced, comments and all else as
// written. It edits the YAML tree, not the decoded settings, so nothing the
// loader would default or normalise is written back.
func (s *devSims) deriveFile(source string, raw []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	integrations := mappingValue(documentRoot(&doc), "integrations")
	if integrations == nil || integrations.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s: no integrations list", source)
	}
	for i, item := range integrations.Content {
		for _, side := range []string{"source", "target"} {
			d := s.bySide[devSide{i, side}]
			sys := mappingValue(resolve(item), side)
			if d == nil || sys == nil || sys.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("%s: integrations[%d].%s is not a mapping of its own (a merge key brings it in?); starter dev must rewrite it, so write it out", source, i, side)
			}
			setMappingValue(sys, "baseURL", scalar(d.url()))
			creds := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
			for _, name := range slices.Sorted(maps.Keys(d.reg.DemoCredentials)) {
				creds.Content = append(creds.Content, scalar(name), scalar(credentialVar(d.reg.System, name)))
			}
			setMappingValue(sys, "credentials", creds)
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Written by starter dev from %s on every start: the same integrations,\n"+
		"# with baseURLs and credentials pointing at the local simulators. Edit %s instead.\n", source, source)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkDerived makes sure the derived file, loaded as the worker will load
// it, sends every side to its simulator; anchors or merge keys in the
// user's file must not send one elsewhere.
func (s *devSims) checkDerived(f *config.File) error {
	for i, in := range f.Integrations {
		for side, sys := range map[string]config.System{"source": in.Source, "target": in.Target} {
			if d := s.bySide[devSide{i, side}]; d == nil || sys.BaseURL != d.url() {
				return fmt.Errorf("integration %s: the derived file sends the %s to %s, not to its simulator", in.Name, side, sys.BaseURL)
			}
		}
	}
	return nil
}

func documentRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return resolve(doc.Content[0])
	}
	return resolve(doc)
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mappingValue is the value of key in a mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

// setMappingValue replaces the value of key, or adds the key; a key of its
// own overrides one a merge key (<<) brings in.
func setMappingValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v.LineComment = m.Content[i+1].LineComment
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

// save writes every instance's state, so the next run continues with it.
func (s *devSims) save() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	var errs []error
	for _, d := range s.list {
		b, err := d.inst.Snapshot()
		if err == nil {
			tmp := d.snapshot + ".tmp"
			if err = os.WriteFile(tmp, b, 0o600); err == nil {
				err = os.Rename(tmp, d.snapshot)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s simulator for %s: %w", d.reg.System, strings.Join(d.users, ", "), err))
		}
	}
	return errors.Join(errs...)
}

func (s *devSims) close() {
	for _, d := range s.list {
		if d.srv != nil {
			_ = d.srv.Close()
		}
	}
}

// stop stops serving and saves the state.
func (s *devSims) stop() {
	s.close()
	if err := s.save(); err != nil {
		fmt.Fprintln(os.Stderr, "saving the simulators' state:", err)
	}
}

// simulate keeps the demo alive: every so often each simulator's activity
// hook runs (a shop gets an order and its waiting orders get paid, a till
// sells something), so the schedules have news to pick up.
func (s *devSims) simulate(ctx context.Context, every time.Duration) {
	if every <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, d := range s.list {
			if d.reg.Activity != nil {
				d.reg.Activity(d.inst, simkit.DemoContext{Now: time.Now(), Instance: d.nth, Rand: rng})
			}
		}
		if err := s.save(); err != nil {
			fmt.Fprintln(os.Stderr, "saving the simulators' state:", err)
		}
	}
}
