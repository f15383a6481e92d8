package worker_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// cpuUse is the CPU time spent during one run by each party on the
// machine: the dev server, the worker process (zero when the worker ran in
// the benchmark's own process) and the benchmark's process (simulators,
// the calls counting and polling, and an in-process worker). On two cores
// they share, it tells what a real run costs beyond the engine's own work.
// busy and idle are the whole machine's (all cores): busy less the parties
// above is everyone else, on the production shape the Temporal server and
// PostgreSQL, which are several processes; idle tells whether the run had
// the cores to itself or waited on something else.
type cpuUse struct {
	server, worker, bench time.Duration
	busy, idle            time.Duration
}

// cpuMeter reads the three clocks at the start of a run.
type cpuMeter struct {
	serverPID  int
	workerPIDs []int
	start      cpuUse
}

// startCPUMeter meters the dev server on serverHostPort (none found: 0)
// and the worker processes together.
func startCPUMeter(serverHostPort string, workerPIDs ...int) *cpuMeter {
	m := &cpuMeter{serverPID: devServerPID(serverHostPort), workerPIDs: workerPIDs}
	m.start = m.read()
	return m
}

func (m *cpuMeter) read() cpuUse {
	u := cpuUse{server: processCPU(m.serverPID), bench: selfCPU()}
	u.busy, u.idle = machineCPU()
	for _, pid := range m.workerPIDs {
		u.worker += processCPU(pid)
	}
	return u
}

// used is the CPU time spent since the meter started.
func (m *cpuMeter) used() cpuUse {
	now := m.read()
	return cpuUse{server: now.server - m.start.server, worker: now.worker - m.start.worker, bench: now.bench - m.start.bench,
		busy: now.busy - m.start.busy, idle: now.idle - m.start.idle}
}

// machineCPU is the time all cores spent busy and idle (idle and waiting
// for I/O) since boot, from the first line of /proc/stat (clock ticks).
func machineCPU() (busy, idle time.Duration) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, 0
	}
	tick := func(i int) time.Duration {
		n, _ := strconv.ParseInt(fields[i], 10, 64)
		return time.Duration(n) * 10 * time.Millisecond
	}
	return tick(1) + tick(2) + tick(3) + tick(6) + tick(7) + tick(8), tick(4) + tick(5)
}

// processCPU is a process's user plus system time from /proc/<pid>/stat
// (clock ticks of 1/100 s on Linux); 0 for pid 0 or a process gone.
func processCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces: the fields start after its ")".
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// devServerPID finds the dev server's process by the frontend port on its
// command line (the SDK's DevServer does not tell its pid); 0 when none.
func devServerPID(hostPort string) int {
	_, port, _ := strings.Cut(hostPort, ":")
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmd), "\x00")
		for i, a := range args {
			if (a == "--port" || a == "-p") && i+1 < len(args) && args[i+1] == port && strings.Contains(string(cmd), "start-dev") {
				pid, _ := strconv.Atoi(filepath.Base(d))
				return pid
			}
		}
	}
	return 0
}

// The count a run ends on is asked seldom while the end is far and often as
// it nears, so the engine answers few queries and the end is seen in time.
func TestCountIntervalNearsTheEnd(t *testing.T) {
	for _, c := range []struct {
		elapsed time.Duration
		done, n int
		want    time.Duration
	}{
		{0, 0, 1000, time.Second},                             // no pace yet
		{10 * time.Second, 100, 1000, time.Second},            // 90 s left
		{30 * time.Second, 900, 1000, 833 * time.Millisecond}, // 3.3 s left
		{33 * time.Second, 990, 1000, 100 * time.Millisecond}, // 0.3 s left
	} {
		assert.Equal(t, c.want, countInterval(c.elapsed, c.done, c.n).Round(time.Millisecond), "%d of %d after %s", c.done, c.n, c.elapsed)
	}
}
