// Package cgroup finds the cgroup directories whose limits apply to the
// process: its own and every one above it, where a container with its own
// cgroup namespace sees its own limits at the root.
package cgroup

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// Dir is one cgroup directory of the process or of a cgroup above it.
type Dir struct {
	Path string
	V2   bool // the unified hierarchy; else the v1 hierarchy of the controller
}

// Dirs reads a /proc/<pid>/cgroup file: "0::/path" is the process's cgroup
// v2, "N:…controller…:/path" its cgroup v1 for controller, mounted at
// root/controller. It lists each such directory and those above it, up to
// the root of its hierarchy, in the order of the file's lines.
func Dirs(procFile, root, controller string) []Dir {
	f, err := os.Open(procFile)
	if err != nil {
		return nil
	}
	defer f.Close()
	var dirs []Dir
	up := func(base, path string, v2 bool) {
		for p := filepath.Clean("/" + path); ; p = filepath.Dir(p) {
			dirs = append(dirs, Dir{filepath.Join(base, p), v2})
			if p == "/" {
				return
			}
		}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id, rest, _ := strings.Cut(sc.Text(), ":")
		controllers, path, ok := strings.Cut(rest, ":")
		switch {
		case !ok:
		case id == "0" && controllers == "":
			up(root, path, true)
		case hasController(controllers, controller):
			up(filepath.Join(root, controller), path, false)
		}
	}
	return dirs
}

func hasController(list, name string) bool {
	for _, s := range strings.Split(list, ",") {
		if s == name {
			return true
		}
	}
	return false
}
