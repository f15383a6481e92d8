package stack

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// PortFree says whether addr can be listened on, and what to do if not.
func PortFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s is in use (%v); stop whatever runs there (an earlier make run?) and try again", addr, err)
	}
	return ln.Close()
}

// KoppelCommand runs the worker binary (args: none for a worker, "webhooks"
// for the receiver) on an integration file with console logs; env adds or
// overrides variables.
func KoppelCommand(bin, file string, args []string, env ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "KOPPEL_INTEGRATIONS="+file, "KOPPEL_LOG_FORMAT=console"), env...)
	return cmd
}

// Process is a child process with exactly one waiter, so stopping it and
// noticing that it died never race over Wait. Done closes when it ended;
// Err is then how.
type Process struct {
	Name string
	Cmd  *exec.Cmd
	Done chan struct{}
	Err  error
}

// StartProcess starts cmd with this process's output; the child gets
// SIGTERM should this process die first.
func StartProcess(name string, cmd *exec.Cmd) (*Process, error) {
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// A child outlives no crashed or killed starter (a test run cut short).
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s (%s): %w", name, cmd.Path, err)
	}
	p := &Process{Name: name, Cmd: cmd, Done: make(chan struct{})}
	go func() { p.Err = cmd.Wait(); close(p.Done) }()
	return p, nil
}

// Stop asks the process to shut down and kills it if it does not in time.
func (p *Process) Stop() {
	select {
	case <-p.Done:
		return
	default:
	}
	_ = p.Cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.Done:
	case <-time.After(15 * time.Second):
		fmt.Fprintf(os.Stderr, "the %s did not stop in time; killing it\n", p.Name)
		_ = p.Cmd.Process.Kill()
		<-p.Done
	}
}
