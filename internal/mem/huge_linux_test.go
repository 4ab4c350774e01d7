package mem

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// TestFloatsAdvisesHugePages checks, in /proc/self/smaps, that the mapping
// holding a large Floats buffer carries the huge-page advice ("hg").
func TestFloatsAdvisesHugePages(t *testing.T) {
	if b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || strings.Contains(string(b), "[never]") {
		t.Skip("transparent huge pages are off or absent here")
	}
	s := Floats(HugeMin/4 + 1000)
	if flags := vmFlags(t, uintptr(unsafe.Pointer(&s[0]))); !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the mapping of a %d-byte buffer has VmFlags %q, without hg", len(s)*4, flags)
	}
}

// vmFlags returns the VmFlags line of the mapping that holds addr.
func vmFlags(t *testing.T, addr uintptr) string {
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
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return ""
}
