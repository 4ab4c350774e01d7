package asm

import (
	"fmt"
	"testing"
)

// benchShape is one Sgemm benchmark: op(A) m×k, op(B) k×n.
type benchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

// benchShapes are square sizes and the dense-layer products of package core
// (batch 256 and 32, MNIST-like 784→128→64→10): forward NT, weight gradient
// TN, the backward NN and the skinny output layer.
var benchShapes = func() []benchShape {
	var s []benchShape
	for _, n := range []int{64, 128, 256, 512, 1024, 2048} {
		s = append(s, benchShape{name: fmt.Sprintf("NN_%d", n), m: n, n: n, k: n})
	}
	return append(s,
		benchShape{name: "NT_256x784x128", transB: true, m: 256, n: 128, k: 784},
		benchShape{name: "TN_784x256x128", transA: true, m: 784, n: 128, k: 256},
		benchShape{name: "NN_256x128x10", m: 256, n: 10, k: 128},
		benchShape{name: "NT_256x128x10", transB: true, m: 256, n: 10, k: 128},
		benchShape{name: "NT_32x784x128", transB: true, m: 32, n: 128, k: 784},
		benchShape{name: "TN_128x32x784", transA: true, m: 128, n: 784, k: 32},
		benchShape{name: "NN_32x128x784", m: 32, n: 784, k: 128},
		// Batch 1 and 4 (Predict, small-batch training) and the XOR net.
		benchShape{name: "NT_1x784x128", transB: true, m: 1, n: 128, k: 784},
		benchShape{name: "NT_4x784x128", transB: true, m: 4, n: 128, k: 784},
		benchShape{name: "NN_1x128x784", m: 1, n: 784, k: 128},
		benchShape{name: "TN_128x1x784", transA: true, m: 128, n: 784, k: 1},
		benchShape{name: "NT_4x2x8", transB: true, m: 4, n: 8, k: 2},
		benchShape{name: "NT_4x8x1", transB: true, m: 4, n: 1, k: 8},
	)
}()

// BenchmarkSgemm reports GFLOPS (2·m·n·k per call) per path and shape. Compare
// paths within one run: the machine may be shared.
func BenchmarkSgemm(b *testing.B) {
	prev := Active()
	defer func() { _ = Use(prev) }()
	for _, path := range Available() {
		for _, s := range benchShapes {
			if path == "generic" && s.m*s.n*s.k > 256*256*256 {
				continue // minutes of generic time say nothing new
			}
			b.Run(path+"/"+s.name, func(b *testing.B) {
				if err := Use(path); err != nil {
					b.Fatal(err)
				}
				benchGemm(b, s)
			})
		}
	}
}

func benchGemm(b *testing.B, s benchShape) {
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	benchStepShape(b, stepShape{s.name, s.transA, s.transB, s.m, s.n, s.k, lda, ldb, 1, 0}, 0)
}
