// Command slug prints this machine's results directory name under
// bench/results (for bench/bench.mk), or with -best the best kernel path.
package main

import (
	"flag"
	"fmt"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/bench/suite"
)

func main() {
	best := flag.Bool("best", false, "print the best available kernel path instead")
	flag.Parse()
	if *best {
		a := asm.Available()
		fmt.Println(a[len(a)-1])
		return
	}
	fmt.Println(suite.MachineSlug())
}
