package main

import (
	"flag"
	"strings"
)

// closest returns the candidate nearest to word, or "" when none is near
// enough to be what was meant: an edit distance of at most one per three
// letters (at least one), or word (3 letters or more) being a prefix of
// exactly one candidate.
func closest(word string, candidates []string) string {
	word = strings.ToLower(word)
	best, bestDist := "", max(1, len(word)/3)+1
	var prefixed []string
	for _, c := range candidates {
		if d := editDistance(word, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
		if len(word) >= 3 && strings.HasPrefix(strings.ToLower(c), word) {
			prefixed = append(prefixed, c)
		}
	}
	if best == "" && len(prefixed) == 1 {
		return prefixed[0]
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, counting an
// adjacent transposition ("mnsit") as one edit.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// didYouMean is " (did you mean X?)" for the candidate closest to word, or "".
func didYouMean(word string, candidates []string) string {
	if c := closest(word, candidates); c != "" {
		return " (did you mean " + c + "?)"
	}
	return ""
}

// flagSuggestion names the defined flag nearest to the unknown one in the
// flag package's error ("flag provided but not defined: -epoch").
func flagSuggestion(fs *flag.FlagSet, err error) string {
	const prefix = "flag provided but not defined: "
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return ""
	}
	name := strings.TrimLeft(strings.TrimPrefix(msg, prefix), "-")
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if c := closest(name, names); c != "" {
		return " (did you mean --" + c + "?)"
	}
	return ""
}
