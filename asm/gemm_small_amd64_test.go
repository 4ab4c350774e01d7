//go:build !noasm && !purego

package asm

import (
	"fmt"
	"testing"
)

// BenchmarkSgemmSmallM compares the small-m path with the blocked one
// (smallM forced to 0) on the batch-m products of a 784→128 layer, to place
// the smallM thresholds.
func BenchmarkSgemmSmallM(b *testing.B) {
	prev := Active()
	defer func() { _ = Use(prev) }()
	for _, path := range Available() {
		var g *gemmConfig
		switch path {
		case "avx2":
			g = gemmAVX2
		case "avx512":
			g = gemmAVX512
		default:
			continue
		}
		for _, m := range []int{1, 2, 4, 5, 6, 8} {
			for _, s := range []benchShape{
				{name: fmt.Sprintf("NT_%dx784x128", m), transB: true, m: m, n: 128, k: 784},
				{name: fmt.Sprintf("NN_%dx128x784", m), m: m, n: 784, k: 128},
			} {
				for _, small := range []bool{true, false} {
					name := path + "/" + s.name + "/blocked"
					if small {
						name = path + "/" + s.name + "/small"
					}
					b.Run(name, func(b *testing.B) {
						if err := Use(path); err != nil {
							b.Fatal(err)
						}
						old := g.smallM
						if small {
							g.smallM = 8
						} else {
							g.smallM = 0
						}
						defer func() { g.smallM = old }()
						benchGemm(b, s)
					})
				}
			}
		}
	}
}
