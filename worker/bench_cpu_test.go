package worker_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUse is the CPU time spent during one run by each party on the
// machine: the dev server, the worker process (zero when the worker ran in
// the benchmark's own process) and the benchmark's process (simulators,
// the calls counting and polling, and an in-process worker). On two cores
// they share, it tells what a real run costs beyond the engine's own work.
type cpuUse struct {
	server, worker, bench time.Duration
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
	for _, pid := range m.workerPIDs {
		u.worker += processCPU(pid)
	}
	return u
}

// used is the CPU time spent since the meter started.
func (m *cpuMeter) used() cpuUse {
	now := m.read()
	return cpuUse{server: now.server - m.start.server, worker: now.worker - m.start.worker, bench: now.bench - m.start.bench}
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
