//go:build diag

package core

import (
	"fmt"
	"testing"
	"time"
)

func TestDiagGatherWarm(t *testing.T) {
	const samples, b, in = 60000, 256, 784
	x, y := blobs(1, samples, in, 10)
	n, _ := New(mnistShape(b, 1))
	perm := make([]int32, samples)
	for i := range perm {
		perm[i] = int32(i)
	}
	n.shuffle(perm)
	bx, by := make([]float32, b*in), make([]float32, b*10)
	junk := make([]float32, 4<<20/4) // 4 MB to push the rows out of L2
	var cold, warm, l2 time.Duration
	const reps = 200
	for r := 0; r < reps; r++ {
		p := perm[r*b : (r+1)*b]
		t0 := time.Now()
		n.gather(bx, by, x, y, p)
		cold += time.Since(t0)
		for i := range junk {
			junk[i]++
		}
		t0 = time.Now()
		n.gather(bx, by, x, y, p)
		warm += time.Since(t0)
		t0 = time.Now()
		n.gather(bx, by, x, y, p)
		l2 += time.Since(t0)
	}
	fmt.Printf("gather b=256: cold %v, after 4 MB of other traffic %v, again at once %v\n", cold/reps, warm/reps, l2/reps)
}
