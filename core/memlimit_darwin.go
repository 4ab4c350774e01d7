package core

import "golang.org/x/sys/unix"

// systemLimits on macOS: 3/4 of physical memory (hw.memsize), half of
// RLIMIT_AS and RLIMIT_DATA.
func systemLimits() []limitBudget {
	out := rlimitBudgets()
	if ram, err := unix.SysctlUint64("hw.memsize"); err == nil && ram > 0 {
		out = append(out, limitBudget{fraction(ram, 3, 4), "3/4 of physical memory, " + formatBytes(ram)})
	}
	return out
}
