package core

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFirstLayerCheckMatchesScan: Fit without shuffle checks the first
// layer's products instead of scanning its batches; it must end every call
// exactly as the scan did — the same error naming the same input, or the
// same history and parameter bits — for clean inputs, NaN and ±Inf inputs
// at the edges of batches (the last one partial), an Inf whose weights are
// all zero (∞·0), and finite inputs large enough that the products
// overflow (not bad input: the step runs, and diverges or not as before),
// on one thread and by blocks of rows on three, with dropout on the first
// layer and Adam.
func TestFirstLayerCheckMatchesScan(t *testing.T) {
	const samples, inputs, batch = 300, 20, 32
	x, y := blobs(9, samples, inputs, 4)
	type edit func(x []float32, n *Network)
	at := func(sample, feature int, v float32) edit {
		return func(x []float32, _ *Network) { x[sample*inputs+feature] = v }
	}
	cases := map[string]edit{
		"clean":                func([]float32, *Network) {},
		"NaN first":            at(0, 0, float32(math.NaN())),
		"+Inf last of a batch": at(95, inputs-1, float32(math.Inf(1))),
		"-Inf last batch":      at(299, 3, float32(math.Inf(-1))),
		"two in one batch": func(x []float32, _ *Network) {
			x[40*inputs+5], x[33*inputs+9] = float32(math.NaN()), float32(math.Inf(1))
		},
		"Inf on zero weights": func(x []float32, n *Network) {
			x[130*inputs+6] = float32(math.Inf(1))
			p := make([]float32, n.ParamCount())
			_, _ = n.CopyParams(p)
			for j := 0; j < n.layers[0].out; j++ {
				p[j*inputs+6] = 0 // W₁ is the first out×in block
			}
			require.NoError(t, n.SetParams(p))
		},
		"overflow": func(x []float32, _ *Network) {
			for f := 0; f < inputs; f++ {
				x[70*inputs+f] = 3e38
			}
		},
	}
	specs := map[string]Spec{
		"sigmoid SGD": {Inputs: inputs, Layers: []Layer{{Units: 24, Activation: Sigmoid}, {Units: 4, Activation: Sigmoid}}, Loss: MSE,
			Optimizer: Optimizer{Kind: SGD, LearningRate: 0.5}, MaxBatch: batch, Seed: 2},
		"wide, by rows on 3 threads": {Inputs: inputs, Layers: []Layer{{Units: 1024, Activation: Sigmoid, Dropout: 0.1}, {Units: 64, Activation: Tanh}, {Units: 4, Activation: Softmax}},
			Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: SGD, LearningRate: 0.1}, MaxBatch: batch, Seed: 4},
		"relu dropout Adam": {Inputs: inputs, Layers: []Layer{{Units: 40, Activation: ReLU, Dropout: 0.25}, {Units: 12, Activation: Tanh}, {Units: 4, Activation: Softmax}},
			Loss: CategoricalCrossEntropy, Optimizer: Optimizer{Kind: Adam, LearningRate: 0.01}, MaxBatch: batch, Seed: 3},
	}
	for sname, spec := range specs {
		for _, threads := range []int{1, 3} {
			for cname, change := range cases {
				name := fmt.Sprintf("%s/threads=%d/%s", sname, threads, cname)
				spec.Threads = threads
				run := func(check bool) (errText string, hist []float32, params []float32) {
					firstLayerCheckEnabled = check
					defer func() { firstLayerCheckEnabled = true }()
					n, err := New(spec)
					require.NoError(t, err)
					defer n.Close()
					require.True(t, n.checksFirstLayer(batch) == check, "%s: the GEMM path must be the one checked", name)
					if sname == "wide, by rows on 3 threads" && threads == 3 && n.pool.Parallel() {
						require.Positive(t, n.rowBlock(batch), "%s: the pass by rows must run", name)
					}
					xx := append([]float32(nil), x...)
					change(xx, n)
					_, err = n.Fit(xx, y, samples, FitOptions{Epochs: 2, BatchSize: batch})
					if err != nil {
						errText = err.Error()
					}
					require.False(t, n.checkFirstLayer, "%s: the check stays on after Fit", name)
					params = make([]float32, n.ParamCount())
					_, _ = n.CopyParams(params)
					return errText, n.History(), params
				}
				wantErr, wantHist, wantParams := run(false)
				gotErr, gotHist, gotParams := run(true)
				require.Equal(t, wantErr, gotErr, name)
				require.Equal(t, wantHist, gotHist, name)
				for i := range wantParams {
					if math.Float32bits(wantParams[i]) != math.Float32bits(gotParams[i]) {
						t.Fatalf("%s: parameter %d is %v, the scan's run has %v", name, i, gotParams[i], wantParams[i])
					}
				}
				if cname != "clean" && cname != "overflow" {
					require.Contains(t, gotErr, "input", name)
				}
			}
		}
	}
}
