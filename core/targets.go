package core

import "math"

// Targets a loss cannot mean are refused before training or evaluating on
// them, with the reason, instead of training towards a wrong answer:
// binary cross-entropy reads each target as a probability, categorical
// cross-entropy each row as a distribution over the classes.

// distributionTolerance is how far from 1 a categorical target row may sum
// (float32 rounding of probabilities written as text).
const distributionTolerance = 1e-3

// checkTargetValues is an ErrData naming the first target the loss cannot
// mean. It allocates nothing unless it fails.
func checkTargetValues(loss Loss, y []float32, samples, outputs int) error {
	switch loss {
	case BinaryCrossEntropy:
		for i, v := range y[:samples*outputs] {
			if !(v >= 0 && v <= 1) {
				return dataErr("target %v (sample %d, output %d) is outside [0, 1]: binary cross-entropy reads targets as probabilities (for class labels use 0 and 1)", v, i/outputs, i%outputs)
			}
		}
	case CategoricalCrossEntropy:
		for s := range samples {
			row := y[s*outputs : (s+1)*outputs]
			var sum float64
			for j, v := range row {
				if !(v >= 0) {
					return dataErr("target %v (sample %d, output %d) is negative: categorical cross-entropy needs each target row to be a distribution over the %d classes (one-hot for a class label)", v, s, j, outputs)
				}
				sum += float64(v)
			}
			if math.Abs(sum-1) > distributionTolerance {
				if outputs > 1 && sum == math.Trunc(sum) && isLabelRow(row) {
					return dataErr("target row of sample %d is %v, which sums to %v, not 1: it looks like a class index, but categorical cross-entropy needs one-hot rows of %d (entrena.to_categorical, or the CLI's class labels)", s, row[0], sum, outputs)
				}
				return dataErr("target row of sample %d sums to %v, not 1: categorical cross-entropy needs each target row to be a distribution over the %d classes (one-hot for a class label)", s, sum, outputs)
			}
		}
	}
	return nil
}

// isLabelRow reports whether row holds one non-zero value in its first
// place: a class index laid out where a one-hot row belongs.
func isLabelRow(row []float32) bool {
	for _, v := range row[1:] {
		if v != 0 {
			return false
		}
	}
	return row[0] > 1
}
