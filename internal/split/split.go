// Package split holds the sizes from which entrena splits a call over a
// thread pool: asm's parallel product and core's element-wise passes read
// them, and tests lower them to split every call, however small.
package split

var (
	// GemmFlops: below this many flops (2·m·n·k) a product stays on the
	// caller, the hand-off to another core costing more than it saves.
	GemmFlops = 4 << 20

	// ElementCount is the length from which an element-wise pass is split,
	// and ElementUnit the length of one of its units.
	ElementCount = 1 << 15
	ElementUnit  = 1 << 13
)
