package mem

import (
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// adviseHuge asks for transparent huge pages over b (whole, aligned pages)
// and lets go of the small pages already behind it. b is newly allocated
// and zeroed, but a Go heap that grew and shrank before hands out memory
// it has touched, and those 4 KiB pages stay small whatever the advice
// says. Released, they read as zeros again and the first writes fault in
// 2 MiB pages. Where huge pages are off (transparent_hugepage
// "never") nothing is done; an error (an old kernel) leaves ordinary pages:
// all of it is only about speed.
func adviseHuge(b []byte) {
	if len(b) == 0 || !hugePagesOn() {
		return
	}
	if unix.Madvise(b, unix.MADV_HUGEPAGE) == nil {
		_ = unix.Madvise(b, unix.MADV_DONTNEED)
	}
}

// hugePagesOn reports whether the kernel gives transparent huge pages to a
// region advised to have them.
var hugePagesOn = sync.OnceValue(func() bool {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && !strings.Contains(string(b), "[never]")
})
