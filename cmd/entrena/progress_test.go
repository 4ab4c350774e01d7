package main

import (
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/pool"
)

func TestProgressBarOnTerminal(t *testing.T) {
	var b strings.Builder
	stop := new(atomic.Bool)
	r := newReporter(&b, 1, 1000, stop)
	r.tty, r.width, r.test = true, 100, true // as if stdout were a terminal
	if !r.progress(core.Progress{Epoch: 1, Epochs: 3, Batch: 5, Batches: 10, Samples: 500, Cost: 0.5, Elapsed: 250 * time.Millisecond}) {
		t.Fatal("progress asked to stop")
	}
	bar := b.String()
	for _, want := range []string{"\repoch 1/3 [", "50%", "2000 samples/s", "ETA 1.3s", "loss 0.5000"} {
		if !strings.Contains(bar, want) {
			t.Errorf("bar %q lacks %q", bar, want)
		}
	}
	b.Reset()
	r.progress(core.Progress{Epoch: 1, Epochs: 3, Batch: 10, Batches: 10, Samples: 1000, Cost: 0.25, EpochDone: true, ValLoss: 0.3, ValAcc: 0.9, Elapsed: 500 * time.Millisecond})
	line := b.String()
	if !strings.HasPrefix(line, "\r"+strings.Repeat(" ", r.barLen)) && !strings.Contains(line, "\r") {
		t.Errorf("bar not cleared before the epoch line: %q", line)
	}
	if !strings.Contains(line, "Epoch 1/3: loss = 0.250000  test loss = 0.3000  test acc = 90.00%  [500ms, 2000 samples/s]\n") {
		t.Errorf("epoch line %q", line)
	}
	stop.Store(true)
	if r.progress(core.Progress{Epoch: 2, Epochs: 3, Batch: 1, Batches: 10, Samples: 100}) {
		t.Error("progress did not ask to stop after an interrupt")
	}
}

func TestProgressLinesOnPipe(t *testing.T) {
	var b strings.Builder
	r := newReporter(&b, 100, 4, new(atomic.Bool))
	for e := 1; e <= 300; e++ {
		r.progress(core.Progress{Epoch: e, Epochs: 300, Batch: 1, Batches: 1, Samples: 4, Cost: 1 / float32(e), EpochDone: true})
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "Epoch   1/300") || !strings.HasPrefix(lines[3], "Epoch 300/300") || strings.Contains(b.String(), "\r") {
		t.Errorf("lines: %q", lines)
	}
}

// The threads line after training: nothing when every epoch ended with
// all threads, the pool's own line when every epoch ended with fewer, and
// how many epochs did when the machine was busy only for a while.
func TestThreadsLine(t *testing.T) {
	all := pool.Stats{Threads: 2, Cores: 2, InUse: 2}
	busy := pool.Stats{Threads: 2, Cores: 2, InUse: 1, Reason: "contended: parallel calls ran no faster than one thread (0.91×); trying again later"}
	for _, c := range []struct {
		epochs []pool.Stats
		want   string
	}{
		{[]pool.Stats{all, all, all}, ""},
		{[]pool.Stats{busy, busy}, "threads: 1 of 2 threads (contended: parallel calls ran no faster than one thread (0.91×); trying again later)"},
		{[]pool.Stats{all, busy, all}, "threads: at the end of 1 of 3 epochs, 1 of 2 threads (contended: parallel calls ran no faster than one thread (0.91×); trying again later)"},
	} {
		var b strings.Builder
		r := newReporter(&b, 0, 4, new(atomic.Bool))
		var now pool.Stats
		r.threads = func() pool.Stats { return now }
		for e, st := range c.epochs {
			now = st
			r.progress(core.Progress{Epoch: e + 1, Epochs: len(c.epochs), Batch: 1, Batches: 1, Samples: 4, EpochDone: true})
		}
		if got := r.threadsLine(); got != c.want {
			t.Errorf("threads line %q, want %q", got, c.want)
		}
	}
	if got := newReporter(new(strings.Builder), 0, 4, new(atomic.Bool)).threadsLine(); got != "" {
		t.Errorf("without thread stats: %q", got)
	}
}

func TestSparkline(t *testing.T) {
	if got := sparkline([]float32{4, 3, 2, 1}, 10); got != "█▅▃▁" {
		t.Errorf("got %q", got)
	}
	if got := sparkline([]float32{1, 1, 1}, 10); got != "▁▁▁" {
		t.Errorf("flat: %q", got)
	}
	long := make([]float32, 1000)
	for i := range long {
		long[i] = float32(1000 - i)
	}
	if got := []rune(sparkline(long, 40)); len(got) != 40 || got[0] != '█' || got[39] != '▁' {
		t.Errorf("resampled: %q", string(got))
	}
	if sparkline(nil, 10) != "" {
		t.Error("empty input")
	}
}

func TestPredictionsCSV(t *testing.T) {
	got := string(predictionsCSV([]float32{0.1, 0.7, 0.2, 0.6, 0.3, 0.1}, 3, core.Softmax))
	if got != "class,output_0,output_1,output_2\n1,0.1,0.7,0.2\n0,0.6,0.3,0.1\n" {
		t.Errorf("softmax: %q", got)
	}
	if got := string(predictionsCSV([]float32{0.2, 0.8}, 1, core.Sigmoid)); got != "class,output_0\n0,0.2\n1,0.8\n" {
		t.Errorf("sigmoid: %q", got)
	}
	if got := string(predictionsCSV([]float32{2.5, -1}, 1, core.Linear)); got != "output_0\n2.5\n-1\n" {
		t.Errorf("linear: %q", got)
	}
}

func TestParseLayers(t *testing.T) {
	in, l, err := parseLayers("784,128:relu,64,10:softmax")
	if err != nil || in != 784 || len(l) != 3 || l[0] != (layerDesc{units: 128, act: "relu"}) || l[1] != (layerDesc{units: 64}) || l[2] != (layerDesc{units: 10, act: "softmax"}) {
		t.Fatalf("%d %v %v", in, l, err)
	}
	in, l, err = parseLayers("784,128:dropout=0.2:relu:l2=1e-4,10:softmax:l2=0")
	if err != nil || in != 784 || len(l) != 2 || l[0].act != "relu" || *l[0].dropout != 0.2 || *l[0].l2 != 1e-4 || l[1].dropout != nil || *l[1].l2 != 0 {
		t.Fatalf("settings: %d %v %v", in, l, err)
	}
	for _, bad := range []string{"", "784", "784,0", "784:relu,10", "a,b", "784,-3", "784,10:relu:tanh", "784,10:drop=0.1", "784,10:dropout=x", "784:dropout=0.1,10", "784,10:"} {
		if _, _, err := parseLayers(bad); err == nil {
			t.Errorf("parseLayers(%q) accepted", bad)
		}
	}
}

// TestSharedSparklines: curves of a sweep share one scale, so a plateau
// stays high beside a converging run; a diverged run does not set it.
func TestSharedSparklines(t *testing.T) {
	plateau := []float32{0.25, 0.25, 0.249, 0.249}
	converging := []float32{0.25, 0.1, 0.01, 0.001}
	exploding := []float32{0.25, 10, 1e30, float32(math.Inf(1))}
	got := sharedSparklines([][]float32{plateau, converging, exploding}, []bool{false, false, true}, 10)
	if got[0] != "██▇▇" {
		t.Errorf("plateau drawn %q, want it at the top of the shared scale", got[0])
	}
	if got[1] != "█▃▁▁" {
		t.Errorf("converging run drawn %q", got[1])
	}
	if got[2] != "████" {
		t.Errorf("diverged run drawn %q, want it clamped to the top", got[2])
	}
	if alone := sparkline(plateau, 10); alone != "██▁▁" {
		t.Errorf("a lone sparkline is scaled to itself: %q", alone)
	}
}
