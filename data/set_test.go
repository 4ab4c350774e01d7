package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestWithOutputs(t *testing.T) {
	// One-hot over 2 of 4 classes (a test file lacking the last classes).
	s := &Set{Name: "s", Samples: 2, Outputs: 2, Classes: 2, Y: []float32{1, 0, 0, 1}}
	if err := s.WithOutputs(1); err != nil || s.Outputs != 1 || s.Y[0] != 0 || s.Y[1] != 1 {
		t.Fatalf("2 classes → 1 output: %+v %v", s, err)
	}
	if err := s.WithOutputs(2); err != nil || s.Outputs != 2 || s.Y[0] != 1 || s.Y[3] != 1 {
		t.Fatalf("0/1 → 2 outputs: %+v %v", s, err)
	}
	if err := s.WithOutputs(4); err != nil || s.Outputs != 4 || len(s.Y) != 8 || s.Y[0] != 1 || s.Y[5] != 1 {
		t.Fatalf("widen to 4: %+v %v", s, err)
	}
	if err := s.WithOutputs(3); err == nil || !strings.Contains(err.Error(), "4 classes, the network has 3 outputs") {
		t.Fatalf("narrow: %v", err)
	}
	r := &Set{Name: "r", Samples: 1, Outputs: 1, Y: []float32{2.5}}
	if err := r.WithOutputs(2); err == nil || !strings.Contains(err.Error(), "1 target columns") {
		t.Fatalf("regression: %v", err)
	}
}

func TestSplitKeepsPairsAndCopiesNothing(t *testing.T) {
	n := 100
	s := &Set{Name: "s", Samples: n, Inputs: 2, Outputs: 1, X: make([]float32, 2*n), Y: make([]float32, n)}
	for i := range n {
		s.X[2*i], s.X[2*i+1], s.Y[i] = float32(i), float32(-i), float32(i)
	}
	train, test, err := s.Split(0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if train.Samples != 80 || test.Samples != 20 {
		t.Fatalf("split sizes %d, %d", train.Samples, test.Samples)
	}
	if &train.X[0] != &s.X[0] || &test.X[0] != &s.X[160] {
		t.Error("split copied the data")
	}
	seen := map[float32]bool{}
	for _, part := range []*Set{train, test} {
		for i := range part.Samples {
			x0, x1, y := part.X[2*i], part.X[2*i+1], part.Y[i]
			if x1 != -x0 || y != x0 || seen[y] {
				t.Fatalf("row %d broken or repeated: %v %v %v", i, x0, x1, y)
			}
			seen[y] = true
		}
	}
	moved := 0
	for i := range n {
		if s.Y[i] != float32(i) {
			moved++
		}
	}
	if moved < n/2 {
		t.Errorf("only %d of %d rows moved: not shuffled", moved, n)
	}
	for _, f := range []float64{0, 1, -0.5, 0.001} {
		if _, _, err := s.Split(f, 1); err == nil {
			t.Errorf("Split(%v) accepted", f)
		}
	}
}

func TestBuiltins(t *testing.T) {
	x := XOR()
	if x.Samples != 4 || len(x.X) != 8 || len(x.Y) != 4 {
		t.Fatalf("xor %+v", x)
	}
	a, err := Spirals(50, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Spirals(50, 3)
	if err != nil {
		t.Fatal(err)
	}
	if a.Samples != 100 || len(a.X) != 200 || len(a.Y) != 100 {
		t.Fatalf("spirals %+v", a)
	}
	ones := 0
	for i := range a.X {
		if a.X[i] != b.X[i] {
			t.Fatal("Spirals is not deterministic for a seed")
		}
		if a.X[i] < -1.2 || a.X[i] > 1.2 {
			t.Fatalf("spiral coordinate %v out of range", a.X[i])
		}
	}
	for _, y := range a.Y {
		ones += int(y)
	}
	if ones != 50 {
		t.Errorf("%d points on arm 1, want 50", ones)
	}
}

func TestSplitStratified(t *testing.T) {
	// 90 rows of class 0, 10 of class 1 (a 0/1 target), and 3 one-hot classes.
	n := 100
	s := &Set{Name: "s", Samples: n, Inputs: 1, Outputs: 1, Classes: 2, X: make([]float32, n), Y: make([]float32, n)}
	for i := range n {
		s.X[i] = float32(i)
		if i%10 == 0 {
			s.Y[i] = 1
		}
	}
	train, test, err := s.Split(0.2, 3)
	if err != nil {
		t.Fatal(err)
	}
	ones := func(p *Set) (c int) {
		for _, v := range p.Y[:p.Samples] {
			c += int(v)
		}
		return c
	}
	if test.Samples != 20 || ones(test) != 2 || ones(train) != 8 {
		t.Fatalf("test %d rows with %d of class 1, train %d of class 1: not stratified", test.Samples, ones(test), ones(train))
	}
	for i := range n { // pairs kept: class 1 rows are the multiples of 10
		if (int(s.X[i])%10 == 0) != (s.Y[i] == 1) {
			t.Fatalf("row %d: x %v with y %v", i, s.X[i], s.Y[i])
		}
	}
	// The same seed, the same split; the split does not use anything else.
	first := append([]float32(nil), test.X...)
	for range 2 {
		m := &Set{Name: "s", Samples: n, Inputs: 1, Outputs: 1, Classes: 2, X: make([]float32, n), Y: make([]float32, n)}
		for i := range n {
			m.X[i] = float32(i)
			if i%10 == 0 {
				m.Y[i] = 1
			}
		}
		_, again, _ := m.Split(0.2, 3)
		for i := range first {
			if again.X[i] != first[i] {
				t.Fatal("same seed, another split")
			}
		}
	}

	oh := &Set{Name: "oh", Samples: 30, Inputs: 1, Outputs: 3, Classes: 3, X: make([]float32, 30), Y: make([]float32, 90)}
	for i := range 30 {
		c := 0
		if i >= 20 {
			c = 1 + i%2 // 5 rows each of classes 1 and 2
		}
		oh.X[i], oh.Y[3*i+c] = float32(c), 1
	}
	_, test, err = oh.Split(0.2, 9)
	if err != nil {
		t.Fatal(err)
	}
	count := [3]int{}
	for i := range test.Samples {
		count[oh.classOf(24+i)]++
		if test.X[i] != float32(oh.classOf(24+i)) {
			t.Fatalf("row %d: x %v, class %d", i, test.X[i], oh.classOf(24+i))
		}
	}
	if count != [3]int{4, 1, 1} {
		t.Fatalf("held-out classes %v, want [4 1 1]", count)
	}
}

// TestSetSizesBeyondBuffers: Split, Shuffle and WithOutputs refuse a Set
// built by hand whose sizes do not fit its buffers, rather than reading
// past them; WithOutputs refuses a 0/1 target that is no class.
func TestSetSizesBeyondBuffers(t *testing.T) {
	for name, s := range map[string]*Set{
		"X short":          {X: make([]float32, 6), Y: make([]float32, 4), Samples: 4, Inputs: 2, Outputs: 1},
		"Y short":          {X: make([]float32, 8), Y: make([]float32, 3), Samples: 4, Inputs: 2, Outputs: 1, Classes: 2},
		"one-hot Y short":  {X: make([]float32, 8), Y: make([]float32, 7), Samples: 4, Inputs: 2, Outputs: 2, Classes: 2},
		"Y without width":  {X: make([]float32, 8), Y: make([]float32, 4), Samples: 4, Inputs: 2},
		"negative samples": {X: make([]float32, 8), Samples: -4, Inputs: 2},
		"negative inputs":  {X: make([]float32, 8), Samples: 4, Inputs: -2},
		"huge samples":     {X: make([]float32, 8), Samples: math.MaxInt, Inputs: 2},
	} {
		if _, _, err := s.Split(0.5, 1); err == nil {
			t.Errorf("%s: Split accepted it", name)
		}
		if err := s.Shuffle(1); err == nil {
			t.Errorf("%s: Shuffle accepted it", name)
		}
		if err := s.WithOutputs(3); err == nil {
			t.Errorf("%s: WithOutputs accepted it", name)
		}
	}
	s := &Set{X: make([]float32, 4), Y: []float32{0, 1, 1, 2}, Samples: 4, Inputs: 1, Outputs: 1, Classes: 2}
	if err := s.WithOutputs(2); err == nil || !strings.Contains(err.Error(), "sample 3 has target 2") {
		t.Errorf("target 2 of 2 classes: %v", err)
	}
	s.Y[3] = 0.5
	if err := s.WithOutputs(2); err == nil || !strings.Contains(err.Error(), "sample 3 has target 0.5") {
		t.Errorf("target 0.5: %v", err)
	}
	good := &Set{X: []float32{1, 2, 3, 4}, Samples: 4, Inputs: 1}
	if err := good.Shuffle(5); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(slices.Sorted(slices.Values(good.X)), []float32{1, 2, 3, 4}) {
		t.Errorf("Shuffle lost rows: %v", good.X)
	}
}

func TestSpiralsBadCount(t *testing.T) {
	for _, n := range []int{-1, 0, DefaultMaxElements/4 + 1, math.MaxInt} {
		if s, err := Spirals(n, 1); err == nil {
			t.Errorf("Spirals(%d) = %d samples, no error", n, s.Samples)
		}
	}
}
