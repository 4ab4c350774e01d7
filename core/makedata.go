package core

import "github.com/v1tr0/entrena/internal/mem"

// MakeData returns a zeroed []float32 of n elements for a data set — the x
// or y that Fit, TrainStep or Predict read — like make, but starting on a
// 64-byte boundary and, from 4 MiB on Linux, on a 2 MiB one with
// transparent huge pages asked for before the data is written (also where
// the Go heap reuses memory it had touched: the small pages behind it are
// released first, so the writes fault in huge ones): a shuffled
// batch's rows, and a batch read in place by the first layer's products,
// then cost far fewer TLB misses (measurements in core/TUNING.md).
// numpy does the same for its large arrays, so data from Python is
// covered; a plain make works too, only slower to read. The data package's
// loaders (IDX, CSV) allocate with it.
func MakeData(n int) []float32 { return mem.Floats(n) }
