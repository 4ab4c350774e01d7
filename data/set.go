package data

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// ErrFormat is wrapped by every error about the content of a data file
// (wrong magic, truncated data, malformed rows), for errors.Is.
var ErrFormat = errors.New("bad data file")

// Set is a data set held as flat row-major buffers, the layout core.Fit reads.
type Set struct {
	Name    string
	X       []float32 // Samples×Inputs features
	Y       []float32 // Samples×Outputs targets; nil when the data has no labels
	Samples int
	Inputs  int
	Outputs int // columns of Y: Classes for one-hot, 1 for a binary or real-valued target
	Classes int // number of classes (0 for a real-valued target)
	// CSV is what DecodeCSV found in and guessed about a CSV file: column
	// names, label column, classes (nil for other data).
	CSV *CSVInfo
}

// check refuses a Set whose sizes do not fit its buffers (one built by
// hand): reading its rows would run past them.
func (s *Set) check() error {
	if s.Samples < 0 || s.Inputs < 0 || s.Outputs < 0 {
		return fmt.Errorf("%s: negative size: %d samples × %d inputs, %d outputs", s.what(), s.Samples, s.Inputs, s.Outputs)
	}
	if s.Inputs > 0 && s.Samples > len(s.X)/s.Inputs {
		return fmt.Errorf("%s: X has %d floats, fewer than %d samples × %d inputs", s.what(), len(s.X), s.Samples, s.Inputs)
	}
	if s.Y == nil {
		return nil
	}
	if s.Outputs == 0 {
		return fmt.Errorf("%s: Y holds targets but Outputs is 0", s.what())
	}
	if s.Samples > len(s.Y)/s.Outputs {
		return fmt.Errorf("%s: Y has %d floats, fewer than %d samples × %d outputs", s.what(), len(s.Y), s.Samples, s.Outputs)
	}
	return nil
}

// what names the set in errors.
func (s *Set) what() string {
	if s.Name == "" {
		return "data set"
	}
	return s.Name
}

// Labelled reports whether the set has targets.
func (s *Set) Labelled() bool { return s.Y != nil }

// WithOutputs makes the targets fit a network with n outputs: one-hot
// targets with fewer classes than n are widened (a test file may lack the
// last classes), two classes fit a single sigmoid output as 0/1, and a 0/1
// target fits a two-output softmax as one-hot. Anything else is an error,
// as is a Set whose sizes do not fit its buffers.
func (s *Set) WithOutputs(n int) error {
	if err := s.check(); err != nil {
		return err
	}
	if s.Y == nil || s.Outputs == n {
		return nil
	}
	switch {
	case s.Classes > 0 && s.Outputs == s.Classes && s.Classes < n:
		y := make([]float32, s.Samples*n)
		for i := range s.Samples {
			copy(y[i*n:], s.Y[i*s.Outputs:(i+1)*s.Outputs])
		}
		s.Y, s.Outputs, s.Classes = y, n, n
		return nil
	case n == 1 && s.Classes == 2 && s.Outputs == 2:
		y := make([]float32, s.Samples)
		for i := range y {
			y[i] = s.Y[2*i+1]
		}
		s.Y, s.Outputs = y, 1
		return nil
	case s.Outputs == 1 && s.Classes > 0 && s.Classes <= n:
		y := make([]float32, s.Samples*n)
		for i, v := range s.Y[:s.Samples] {
			// Else the 1 would land in another sample's row.
			if v != float32(int(v)) || v < 0 || int(v) >= s.Classes {
				return fmt.Errorf("%s: sample %d has target %v, not a class of %d", s.what(), i, v, s.Classes)
			}
			y[i*n+int(v)] = 1
		}
		s.Y, s.Outputs, s.Classes = y, n, n
		return nil
	}
	if s.Classes > 0 {
		return fmt.Errorf("%s has %d classes, the network has %d outputs", s.Name, s.Classes, n)
	}
	return fmt.Errorf("%s has %d target columns, the network has %d outputs", s.Name, s.Outputs, n)
}

// Split shuffles the rows of s in place with seed and returns views of the
// last frac of them as test and the rest as train. No data is copied. A set
// of classes is split stratified: each class is held out in the same
// proportion (to the nearest row, the remainders going to the classes with
// the largest fractions), so a rare class is not left out of either part.
// The split depends only on the data and seed. A Set whose sizes do not
// fit its buffers is an error.
func (s *Set) Split(frac float64, seed uint64) (train, test *Set, err error) {
	if err := s.check(); err != nil {
		return nil, nil, err
	}
	if !(frac > 0 && frac < 1) {
		return nil, nil, fmt.Errorf("split must be between 0 and 1 (exclusive), got %v", frac)
	}
	nt := int(float64(s.Samples)*frac + 0.5)
	if nt < 1 || nt >= s.Samples {
		return nil, nil, fmt.Errorf("split %v of %d samples leaves an empty train or test set", frac, s.Samples)
	}
	if s.Classes > 0 && s.Y != nil {
		s.stratify(frac, nt, seed)
	} else {
		s.shuffle(seed)
	}
	cut := s.Samples - nt
	return s.slice(cut, 0, s.Name+" (train split)"), s.slice(nt, cut, s.Name+" (held-out split)"), nil
}

// classOf is the class of row i: the largest of a one-hot row, or a 0/1 target.
func (s *Set) classOf(i int) int {
	if s.Outputs == 1 {
		if s.Y[i] >= 0.5 {
			return 1
		}
		return 0
	}
	row := s.Y[i*s.Outputs : (i+1)*s.Outputs]
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}

// stratify reorders the rows: nt held-out rows last, frac of each class,
// both parts in random order.
func (s *Set) stratify(frac float64, nt int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x73706c6974)) // "split"
	k := max(s.Classes, 2)
	byClass := make([][]int, k)
	for i := range s.Samples {
		c := min(s.classOf(i), k-1)
		byClass[c] = append(byClass[c], i)
	}
	quota := make([]int, k)
	frack := make([]float64, k)
	given := 0
	for c, rows := range byClass {
		q := frac * float64(len(rows))
		quota[c] = int(q)
		frack[c] = q - float64(quota[c])
		given += quota[c]
	}
	for ; given < nt; given++ { // largest remainders first; ties to the lower class
		best := -1
		for c := range k {
			if quota[c] < len(byClass[c]) && (best < 0 || frack[c] > frack[best]) {
				best = c
			}
		}
		quota[best]++
		frack[best] = -1
	}
	var trainRows, testRows []int
	for c, rows := range byClass {
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		testRows = append(testRows, rows[:quota[c]]...)
		trainRows = append(trainRows, rows[quota[c]:]...)
	}
	r.Shuffle(len(trainRows), func(i, j int) { trainRows[i], trainRows[j] = trainRows[j], trainRows[i] })
	r.Shuffle(len(testRows), func(i, j int) { testRows[i], testRows[j] = testRows[j], testRows[i] })
	order := append(trainRows, testRows...)
	permuteRows(s.X, s.Inputs, order)
	permuteRows(s.Y, s.Outputs, order)
}

// permuteRows reorders the rows of b (w floats each) in place so that new
// row k is old row order[k], following the permutation's cycles with one
// row of scratch.
func permuteRows(b []float32, w int, order []int) {
	done := make([]bool, len(order))
	tmp := make([]float32, w)
	for k := range order {
		if done[k] || order[k] == k {
			continue
		}
		copy(tmp, b[k*w:(k+1)*w])
		j := k
		for {
			done[j] = true
			src := order[j]
			if src == k {
				copy(b[j*w:(j+1)*w], tmp)
				break
			}
			copy(b[j*w:(j+1)*w], b[src*w:(src+1)*w])
			j = src
		}
	}
}

func (s *Set) slice(n, from int, name string) *Set {
	t := *s
	t.Name, t.Samples = name, n
	t.X = s.X[from*s.Inputs : (from+n)*s.Inputs]
	if s.Y != nil {
		t.Y = s.Y[from*s.Outputs : (from+n)*s.Outputs]
	}
	return &t
}

// Shuffle permutes the rows of s in place (Fisher–Yates) with seed. A Set
// whose sizes do not fit its buffers is an error, and left as it was.
func (s *Set) Shuffle(seed uint64) error {
	if err := s.check(); err != nil {
		return err
	}
	s.shuffle(seed)
	return nil
}

func (s *Set) shuffle(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x73706c6974)) // "split"
	in, out := s.Inputs, s.Outputs
	tx := make([]float32, in)
	ty := make([]float32, out)
	for i := s.Samples - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		swapRows(s.X, tx, i, j, in)
		if s.Y != nil {
			swapRows(s.Y, ty, i, j, out)
		}
	}
}

func swapRows(b, tmp []float32, i, j, w int) {
	if i == j {
		return
	}
	copy(tmp, b[i*w:(i+1)*w])
	copy(b[i*w:(i+1)*w], b[j*w:(j+1)*w])
	copy(b[j*w:(j+1)*w], tmp)
}
