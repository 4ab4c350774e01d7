package suite

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// goal is one row of bench/GOALS.md.
type goal struct {
	title, group, work, threads, impl, measure string
	peers                                      []string
	target                                     float64
}

// readGoals parses the goals table of GOALS.md.
func readGoals(path string) (goals []goal, err error) {
	b, err := os.ReadFile(path)
	for _, line := range strings.Split(string(b), "\n") {
		c := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range c {
			c[i] = strings.TrimSpace(c[i])
		}
		if len(c) != 8 || c[0] == "goal" || strings.HasPrefix(c[0], "---") {
			continue
		}
		t, perr := strconv.ParseFloat(c[7], 64)
		if perr != nil {
			return nil, fmt.Errorf("%s: goal %q: target %q is not a number", path, c[0], c[7])
		}
		goals = append(goals, goal{title: c[0], group: c[1], work: c[2], threads: c[3], impl: c[4], measure: c[5], target: t,
			peers: strings.FieldsFunc(strings.ReplaceAll(c[6], " ", ""), func(r rune) bool { return r == ',' })})
	}
	return goals, err
}

// check returns the figure of g in rep and whether it reaches the target;
// figure "" means the run did not measure it.
func (g goal) check(rep *Report) (fig string, ok bool) {
	threads, _ := strconv.Atoi(g.threads)
	for _, r := range rep.Rows {
		if g.threads == "all" && r.Group == g.group && (g.work == "*" || r.Name == g.work) {
			threads = max(threads, r.Threads)
		}
	}
	ours := func(r Row) bool { return r.Impl == g.impl || g.impl == "entrena" && isGo(r.Impl) }
	o := bestRow(rep, g.group, g.work, max(threads, 1), ours)
	switch {
	case g.measure == "allocs":
		worst, n := 0.0, 0
		for _, r := range rep.Rows {
			if r.Group == g.group && isGo(r.Impl) && r.Allocs >= 0 {
				worst, n = max(worst, r.Allocs), n+1
			}
		}
		if n == 0 {
			return "", false
		}
		return fmt.Sprintf("at most %.3g over %d rows", worst, n), worst <= g.target
	case o.Metric == 0:
		return "", false
	case g.measure == "%peak":
		return fmt.Sprintf("%.0f%%", o.PctPeak), o.PctPeak >= g.target
	case g.measure == "figure":
		return figure(o.Metric) + " " + o.Unit, o.Metric >= g.target
	case g.measure == "ns/op":
		return fmt.Sprintf("%.0f ns", o.Median*1e9), o.Median*1e9 <= g.target
	case g.measure == "scaling":
		if one := bestRow(rep, g.group, g.work, 1, ours); threads > 1 && one.Metric > 0 {
			x := o.Metric / one.Metric
			if o.Ratio > 0 && o.Versus == one.Impl+", 1 thread(s)" { // the median over rounds
				x = 1 / o.Ratio
			}
			return fmt.Sprintf("%.2f× on %d threads", x, threads), x >= g.target
		}
		return "", false
	case g.measure == "÷peer":
		peer := bestRow(rep, g.group, g.work, max(threads, 1), func(r Row) bool {
			return isPeer(r) && slices.ContainsFunc(g.peers, func(p string) bool { return p == "*" || strings.HasPrefix(r.Impl, p) })
		})
		if peer.Metric == 0 {
			return "", false
		}
		x := o.Metric / peer.Metric
		if peer.Ratio > 0 && strings.HasPrefix(peer.Versus, o.Impl+",") { // the median over rounds
			x = peer.Ratio
		}
		return fmt.Sprintf("%.2f× %s", x, peer.Impl), x >= g.target
	}
	return "unknown measure " + g.measure, false
}

// bestRow is the fastest row of group and work on threads that ok accepts.
func bestRow(rep *Report, group, work string, threads int, ok func(Row) bool) (b Row) {
	for _, r := range rep.Rows {
		if r.Group == group && r.Name == work && r.Threads == threads && ok(r) && r.Metric > b.Metric {
			b = r
		}
	}
	return b
}

// isPeer: a row of another library than entrena (gonum, a pure-Go yardstick, is none).
func isPeer(r Row) bool { return !strings.HasPrefix(r.Impl, "entrena") && r.Impl != "gonum" }

// goalsMain implements `bench goals results.json`.
func goalsMain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: bench goals results.json   (checks it against bench/GOALS.md)")
		return 2
	}
	rep, err := ReadReport(args[0])
	dir, derr := findPeersDir()
	var goals []goal
	if err = cmp.Or(err, derr); err == nil {
		goals, err = readGoals(filepath.Join(dir, "..", "GOALS.md"))
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench goals:", err)
		return 2
	}
	var rows [][]string
	short := 0
	for _, g := range goals {
		fig, ok := g.check(rep)
		verdict := map[bool]string{true: "reached", false: "NOT REACHED"}[ok]
		if fig == "" {
			fig, verdict = "not measured", ""
		} else if !ok {
			short++
		}
		rows = append(rows, []string{g.title, fmt.Sprintf("%s %g", g.measure, g.target), fig, verdict})
	}
	writeTable(stdout, false, []string{"goal", "target", "this run", ""}, rows)
	fmt.Fprintf(stdout, "%d of %d goals not reached\n", short, len(goals))
	return map[bool]int{true: 1, false: 0}[short > 0]
}
