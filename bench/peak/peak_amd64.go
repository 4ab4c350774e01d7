//go:build !noasm && !purego

package peak

//go:noescape
func peakLoopAVX2(iters int)

//go:noescape
func peakLoopAVX512(iters int)

// 12 chains of 8-lane YMM and of 16-lane ZMM (peak_amd64.s).
func init() {
	loops["avx2"], loops["avx512"] = fmaLoop{peakLoopAVX2, 12 * 8 * 2}, fmaLoop{peakLoopAVX512, 12 * 16 * 2}
}
