//go:build !entrena_phases

package phase

// Enabled reports whether the marks are counted (-tags entrena_phases).
const Enabled = false

// Now is the mark a phase starts from (0: not counted).
func Now() int64 { return 0 }

// Since would add the time since t0 to phase id; not counted in this build.
func Since(id ID, t0 int64) int64 { return 0 }

// SinceLayer would add the time since t0 to phase id and its layer's row;
// not counted in this build.
func SinceLayer(id ID, layer int, t0 int64) int64 { return 0 }

// Read returns zero totals in this build.
func Read() (t Totals) { return t }

// Reset does nothing in this build.
func Reset() {}

// MarkNanos is the cost of one Since: none in this build.
func MarkNanos() float64 { return 0 }
