package pool

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cpuNow returns the CPU the calling thread runs on, or −1 if unknown.
func cpuNow() int32 {
	var cpu uint32
	if _, _, e := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&cpu)), 0, 0); e != 0 {
		return -1
	}
	return int32(cpu)
}

// leaveCPU moves the calling goroutine's thread off cpu when it runs
// there and another CPU of its affinity mask is idle, and keeps the mask:
// a thread whose mask no longer holds its CPU moves at once, and the mask
// then goes back as it was. It reports whether the thread moved.
//
// Idle: at most as many tasks runnable in the whole system as the mask
// has CPUs, two of them on this one (this thread and the one it shares the
// CPU with), leave another CPU with nothing to run. Beside a busy process
// there is none, and a thread moved there would wait behind that process
// where the caller would not see it.
func leaveCPU(cpu int32) bool {
	if cpu < 0 {
		return false
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if cpuNow() != cpu {
		return false
	}
	var set unix.CPUSet
	if unix.SchedGetaffinity(0, &set) != nil {
		return false
	}
	if n, ok := runnableTasks(); !ok || n > set.Count() {
		return false
	}
	away := set
	away.Clear(int(cpu))
	if away.Count() == 0 || unix.SchedSetaffinity(0, &away) != nil {
		return false
	}
	_ = unix.SchedSetaffinity(0, &set)
	return true
}

// loadavgPath is /proc/loadavg, NUL-terminated for the raw openat.
var loadavgPath = [...]byte{'/', 'p', 'r', 'o', 'c', '/', 'l', 'o', 'a', 'd', 'a', 'v', 'g', 0}

// runnableTasks returns the tasks runnable in the whole system now (the
// first number of /proc/loadavg's fourth field, "running/total").
func runnableTasks() (int, bool) {
	atFDCWD := unix.AT_FDCWD // a variable: the negative constant does not convert to uintptr
	fd, _, errno := unix.Syscall6(unix.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&loadavgPath[0])),
		uintptr(unix.O_RDONLY|unix.O_CLOEXEC), 0, 0, 0)
	if errno != 0 {
		return 0, false
	}
	var buf [128]byte
	n, _, errno := unix.Syscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	unix.Syscall(unix.SYS_CLOSE, fd, 0, 0)
	if errno != 0 {
		return 0, false
	}
	return runningField(buf[:n])
}

// runningField parses "a b c running/total last" into running.
func runningField(s []byte) (int, bool) {
	field := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			field++
			continue
		}
		if field != 3 {
			continue
		}
		v, digits := 0, 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			v, digits = v*10+int(s[i]-'0'), digits+1
		}
		return v, digits > 0 && i < len(s) && s[i] == '/'
	}
	return 0, false
}
