//go:build noasm || purego || !(amd64 || arm64)

package peak

// peakLoop: this build has no SIMD peak loop.
func peakLoop(path string) (func(int), float64, error) {
	if path == "generic" {
		return nil, 0, errNoPeak
	}
	return nil, 0, unknownPeakPath(path)
}
