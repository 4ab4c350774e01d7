package pool

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// schedstatPath is /proc/thread-self/schedstat, NUL-terminated for the raw
// openat (unix.Open would allocate a copy of the string on every call).
var schedstatPath = [...]byte{'/', 'p', 'r', 'o', 'c', '/', 't', 'h', 'r', 'e', 'a', 'd', '-', 's', 'e', 'l', 'f', '/',
	's', 'c', 'h', 'e', 'd', 's', 't', 'a', 't', 0}

// threadDelay returns the calling OS thread's id and the nanoseconds it has
// spent runnable but waiting for a CPU (the second field of its schedstat);
// ok is false where the kernel does not say.
func threadDelay() (tid int, delay int64, ok bool) {
	atFDCWD := unix.AT_FDCWD // a variable: the negative constant does not convert to uintptr
	fd, _, errno := unix.Syscall6(unix.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&schedstatPath[0])),
		uintptr(unix.O_RDONLY|unix.O_CLOEXEC), 0, 0, 0)
	if errno != 0 {
		return 0, 0, false
	}
	var buf [96]byte
	n, _, errno := unix.Syscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	unix.Syscall(unix.SYS_CLOSE, fd, 0, 0)
	if errno != 0 {
		return 0, 0, false
	}
	delay, ok = secondField(buf[:n])
	return unix.Gettid(), delay, ok
}

// secondField parses the second space-separated decimal of s.
func secondField(s []byte) (int64, bool) {
	i := 0
	for i < len(s) && s[i] != ' ' {
		i++
	}
	i++
	var v int64
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + int64(s[i]-'0')
		digits++
	}
	return v, digits > 0
}
