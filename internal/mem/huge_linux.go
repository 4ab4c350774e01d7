package mem

import "golang.org/x/sys/unix"

// adviseHuge asks for transparent huge pages over b (whole, aligned pages).
// An error (an old kernel, huge pages off) leaves ordinary pages: the
// advice is only about speed.
func adviseHuge(b []byte) {
	if len(b) > 0 {
		_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	}
}
