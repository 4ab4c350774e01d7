package suite

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
)

// goal is one row of bench/GOALS.md.
type goal struct {
	title, group, work, threads, impl, measure string
	peers                                      []string
	target                                     float64
}

// readGoals parses the goals table of GOALS.md.
func readGoals(path string) ([]goal, error) {
	b, err := os.ReadFile(path)
	var goals []goal
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
		g := goal{title: c[0], group: c[1], work: c[2], threads: c[3], impl: c[4], measure: c[5], target: t}
		for _, p := range strings.Split(c[6], ",") {
			if p = strings.TrimSpace(p); p != "" {
				g.peers = append(g.peers, p)
			}
		}
		goals = append(goals, g)
	}
	return goals, err
}

// check returns the figure of g in rep and whether it reaches the target;
// figure "" means the run did not measure it.
func (g goal) check(rep *Report) (fig string, ok bool) {
	maxThreads := 1
	for _, r := range rep.Rows {
		if r.Group == g.group && (g.work == "*" || r.Name == g.work) {
			maxThreads = max(maxThreads, r.Threads)
		}
	}
	threads := maxThreads
	if g.threads != "all" {
		threads, _ = strconv.Atoi(g.threads)
	}
	ours := func(name string, th int) (best Row) {
		for _, r := range rep.Rows {
			if r.Group == g.group && r.Name == name && r.Threads == th && (r.Impl == g.impl || g.impl == "entrena" && isGo(r.Impl)) && r.Metric > best.Metric {
				best = r
			}
		}
		return best
	}
	o := ours(g.work, threads)
	if g.measure != "allocs" && o.Metric == 0 {
		return "", false
	}
	switch g.measure {
	case "%peak":
		return fmt.Sprintf("%.0f%%", o.PctPeak), o.PctPeak >= g.target
	case "figure":
		return figure(o.Metric) + " " + o.Unit, o.Metric >= g.target
	case "ns/op":
		return fmt.Sprintf("%.0f ns", o.Median*1e9), o.Median*1e9 <= g.target
	case "scaling":
		one := ours(g.work, 1)
		if threads == 1 || one.Metric == 0 {
			return "", false
		}
		s := o.Metric / one.Metric
		return fmt.Sprintf("%.2f× on %d threads", s, threads), s >= g.target
	case "allocs":
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
	case "÷peer":
		var peer Row
		for _, r := range rep.Rows {
			if r.Group != g.group || r.Name != g.work || r.Threads != threads || strings.HasPrefix(r.Impl, "entrena") || r.Impl == "gonum" {
				continue
			}
			named := false
			for _, p := range g.peers {
				named = named || p == "*" || strings.HasPrefix(r.Impl, p)
			}
			if named && r.Metric > peer.Metric {
				peer = r
			}
		}
		if peer.Metric == 0 {
			return "", false
		}
		x := o.Metric / peer.Metric
		if peer.Ratio > 0 && strings.HasPrefix(peer.Versus, o.Impl+",") {
			x = peer.Ratio
		}
		return fmt.Sprintf("%.2f× %s", x, peer.Impl), x >= g.target
	}
	return "unknown measure " + g.measure, false
}

// goalsMain implements `bench goals results.json`.
func goalsMain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: bench goals results.json   (checks it against bench/GOALS.md)")
		return 2
	}
	rep, err := ReadReport(args[0])
	var goals []goal
	if err == nil {
		var dir string
		if dir, err = findPeersDir(""); err == nil {
			goals, err = readGoals(filepath.Join(dir, "..", "GOALS.md"))
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench goals:", err)
		return 2
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "goal\ttarget\tthis run\t\t")
	short := 0
	for _, g := range goals {
		fig, ok := g.check(rep)
		verdict := "reached"
		switch {
		case fig == "":
			fig, verdict = "not measured", ""
		case !ok:
			verdict, short = "NOT REACHED", short+1
		}
		fmt.Fprintf(tw, "%s\t%s %g\t%s\t%s\t\n", g.title, g.measure, g.target, fig, verdict)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d of %d goals not reached\n", short, len(goals))
	if short > 0 {
		return 1
	}
	return 0
}
