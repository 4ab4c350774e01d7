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
// there and its affinity mask allows another CPU, and keeps the mask: a
// thread whose mask no longer holds its CPU moves at once, and the mask
// then goes back as it was. It reports whether the thread moved.
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
	away := set
	away.Clear(int(cpu))
	if away.Count() == 0 || unix.SchedSetaffinity(0, &away) != nil {
		return false
	}
	_ = unix.SchedSetaffinity(0, &set)
	return true
}
