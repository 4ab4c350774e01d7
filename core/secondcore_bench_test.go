package core

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkSecondCore is what a second core gives a training step, and at
// most could give: in alternating turns (one round: one thread, the pool on
// two threads, two one-thread networks on two goroutines at once), the
// steps per second of each, as medians over rounds of the ratio to the
// one-thread turn beside it. "pool" is the speed-up of one network's step;
// "pair" is the aggregate of two independent networks, the ceiling the
// machine sets (shared caches, memory, a vCPU the host does not run) that
// no split of one step can pass. Run with -benchtime 1x: one op is the
// whole measurement.
//
//	go test -run XXX -bench SecondCore -benchtime 1x ./core
func BenchmarkSecondCore(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs two cores")
	}
	mnistDemo := func(batch, threads int) Spec {
		return Spec{Inputs: 784, Layers: []Layer{{Units: 128, Activation: Sigmoid}, {Units: 10, Activation: Sigmoid}}, Loss: MSE,
			Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: batch, Seed: 1, Threads: threads}
	}
	cases := []struct {
		name  string
		batch int
		spec  func(batch, threads int) Spec
	}{
		{"784-128-10/batch=32", 32, mnistDemo},
		{"784-128-64-10/batch=256", 256, mnistShape},
	}
	const rounds, turn = 15, 150 * time.Millisecond
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			nets := make([]*Network, 3) // one thread, a second one-thread, the pool's
			for i, threads := range []int{1, 1, 2} {
				n, err := New(c.spec(c.batch, threads))
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
				nets[i] = n
			}
			x, y := benchData(c.batch)
			steps := func(n *Network, d time.Duration) float64 {
				start := time.Now()
				k := 0
				for ; time.Since(start) < d; k++ {
					if _, err := n.TrainStep(x, y, c.batch); err != nil {
						b.Error(err)
						return 0
					}
				}
				return float64(k) / time.Since(start).Seconds()
			}
			pair := func(d time.Duration) float64 {
				var wg sync.WaitGroup
				rate := make([]float64, 2)
				for i := range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						rate[i] = steps(nets[i], d)
					}()
				}
				wg.Wait()
				return rate[0] + rate[1]
			}
			for _, n := range nets { // warm caches, the pool's policy, the page tables
				steps(n, turn)
			}
			var poolRatio, pairRatio []float64
			for i := 0; i < b.N*rounds; i++ {
				one := steps(nets[0], turn)
				pooled := steps(nets[2], turn)
				both := pair(turn)
				one = (one + steps(nets[0], turn)) / 2
				poolRatio = append(poolRatio, pooled/one)
				pairRatio = append(pairRatio, both/one)
			}
			slices.Sort(poolRatio)
			slices.Sort(pairRatio)
			med := func(s []float64) float64 { return s[len(s)/2] }
			b.ReportMetric(med(poolRatio), "pool/one")
			b.ReportMetric(med(pairRatio), "pair/one")
			b.ReportMetric(med(poolRatio)/med(pairRatio), "pool/pair")
			b.Logf("%s: pool/one %.2f (%.2f–%.2f), pair/one %.2f (%.2f–%.2f); pool %s",
				c.name, med(poolRatio), poolRatio[0], poolRatio[len(poolRatio)-1],
				med(pairRatio), pairRatio[0], pairRatio[len(pairRatio)-1], nets[2].ThreadStats())
		})
	}
}
