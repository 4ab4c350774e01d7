package mem

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestFloatsAdvisesHugePages checks, in /proc/self/smaps, that the mapping
// holding a large Floats buffer carries the huge-page advice ("hg").
func TestFloatsAdvisesHugePages(t *testing.T) {
	if !hugePagesOn() {
		t.Skip("transparent huge pages are off or absent here")
	}
	s := Floats(HugeMin/4 + 1000)
	if flags := smapsField(t, uintptr(unsafe.Pointer(&s[0])), "VmFlags"); !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the mapping of a %d-byte buffer has VmFlags %q, without hg", len(s)*4, flags)
	}
}

// TestFloatsHugeOnReusedHeap: a buffer carved from memory the Go heap had
// touched before (large buffers written, then dropped) is zeroed and, once
// written, backed by huge pages — advice alone left such pages small. A
// fresh mapping advised the same way is the control: where the kernel
// has no huge page to give it either, the test is skipped.
func TestFloatsHugeOnReusedHeap(t *testing.T) {
	if !hugePagesOn() {
		t.Skip("transparent huge pages are off or absent here")
	}
	const n = 32 << 20 / 4
	for range 3 {
		b := make([]float32, 2*n)
		for i := range b {
			b[i] = 1
		}
		runtime.KeepAlive(b)
	}
	runtime.GC()
	s := Floats(n)
	for i := range s {
		if s[i] != 0 {
			t.Fatalf("Floats(%d)[%d] = %v, not zeroed", n, i, s[i])
		}
		s[i] = 2
	}
	got := smapsKB(t, uintptr(unsafe.Pointer(&s[0])), "AnonHugePages")

	raw, err := unix.Mmap(-1, 0, 4*n+hugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Skip(err)
	}
	defer unix.Munmap(raw)
	off := (hugePage - int(uintptr(unsafe.Pointer(&raw[0]))%hugePage)) % hugePage
	control := raw[off : off+4*n]
	if err := unix.Madvise(control, unix.MADV_HUGEPAGE); err != nil {
		t.Skip(err)
	}
	for i := 0; i < len(control); i += 4096 {
		control[i] = 1
	}
	if smapsKB(t, uintptr(unsafe.Pointer(&control[0])), "AnonHugePages") == 0 {
		t.Skip("the kernel gave no huge page to a fresh advised mapping either")
	}
	if got < 4*n/1024/2 {
		t.Errorf("a written %d MiB buffer from reused heap memory has %d KiB on huge pages", 4*n>>20, got)
	}
}

// smapsKB is a "Name: N kB" field of the mapping that holds addr.
func smapsKB(t *testing.T, addr uintptr, name string) int {
	var kb int
	if _, err := fmt.Sscanf(smapsField(t, addr, name), "%d kB", &kb); err != nil {
		t.Fatalf("%s of the mapping at %#x: %v", name, addr, err)
	}
	return kb
}

// smapsField returns a field (VmFlags, AnonHugePages, …) of the mapping in
// /proc/self/smaps that holds addr.
func smapsField(t *testing.T, addr uintptr, name string) string {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x", &lo, &hi); n == 2 && strings.Contains(line, " ") {
			in = lo <= addr && addr < hi
			continue
		}
		if in && strings.HasPrefix(line, name+":") {
			return strings.TrimSpace(strings.TrimPrefix(line, name+":"))
		}
	}
	t.Fatalf("no mapping holds %#x, or it has no %s", addr, name)
	return ""
}
