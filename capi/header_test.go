//go:build cgo

package main

// The public header against the Go side. check_header.sh (make test-capi)
// compares the function names of entrena.h with the symbols the built
// libraries export; these tests compare what the names cannot show: each
// exported Go function's parameters and result with its C prototype, and
// the status values.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// headerPrototypes returns the functions declared in include/entrena.h:
// name -> return type and parameter types, whitespace normalised.
func headerPrototypes(t *testing.T) map[string][]string {
	t.Helper()
	src, err := os.ReadFile("include/entrena.h")
	if err != nil {
		t.Fatal(err)
	}
	// Drop comments, then join each declaration onto one line.
	text := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(src), "")
	text = strings.Join(strings.Fields(text), " ")
	decl := regexp.MustCompile(`(?:^|[\s{}])((?:const )?[a-z_0-9]+ ?\*?) ?(entrena_[a-z0-9_]+)\(([^()]*)\)\s*$`)
	protos := map[string][]string{}
	for piece := range strings.SplitSeq(text, ";") {
		m := decl.FindStringSubmatch(piece)
		if m == nil {
			continue
		}
		types := []string{normType(m[1])}
		if params := strings.TrimSpace(m[3]); params != "void" {
			for p := range strings.SplitSeq(params, ",") {
				// Drop the parameter name: the last identifier.
				p = strings.TrimSpace(p)
				p = strings.TrimSpace(p[:strings.LastIndexAny(p, " *")+1])
				types = append(types, normType(p))
			}
		}
		protos[m[2]] = types
	}
	if len(protos) < 30 {
		t.Fatalf("parsed only %d prototypes from entrena.h", len(protos))
	}
	return protos
}

func normType(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), ""), "*", " *")
}

// goType is the Go parameter type that stands for a C type in exports.go.
func goType(c string) string {
	switch c {
	case "entrena_status", "int32_t":
		return "int32"
	case "int64_t":
		return "int64"
	case "uint64_t":
		return "uint64"
	case "float":
		return "float32"
	case "size_t", "entrena_net *", "constentrena_net *":
		return "uintptr" // handles are integer ids; size_t is pointer-sized
	case "constchar *":
		return "*C.char" // strings passed in: read with C.GoString
	}
	if strings.HasSuffix(c, "*") {
		return "unsafe.Pointer"
	}
	return "?" + c
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	}
	return "?"
}

// hasExportDirective reports whether fd carries cgo's "//export name".
func hasExportDirective(fd *ast.FuncDecl) bool {
	if fd.Doc == nil {
		return false
	}
	for _, c := range fd.Doc.List {
		if c.Text == "//export "+fd.Name.Name {
			return true
		}
	}
	return false
}

// TestHeaderSignatures: every //export function has the parameters and
// result of its prototype in entrena.h (in the Go types exports.go uses for
// them), and every header function is either exported from Go or written
// in entrena.c.
func TestHeaderSignatures(t *testing.T) {
	protos := headerPrototypes(t)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "exports.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !hasExportDirective(fd) {
			continue
		}
		name := fd.Name.Name
		exported[name] = true
		want, ok := protos[name]
		if !ok {
			t.Errorf("%s is exported but not declared in entrena.h", name)
			continue
		}
		var got []string
		res := fd.Type.Results
		if res == nil || len(res.List) != 1 {
			t.Errorf("%s: want one result", name)
			continue
		}
		got = append(got, exprString(res.List[0].Type))
		for _, p := range fd.Type.Params.List {
			n := max(len(p.Names), 1)
			for range n {
				got = append(got, exprString(p.Type))
			}
		}
		wantGo := make([]string, len(want))
		for i, c := range want {
			wantGo[i] = goType(c)
		}
		if len(got) != len(wantGo) {
			t.Errorf("%s: Go has %d parameters, entrena.h %d (%v vs C %v)", name, len(got)-1, len(want)-1, got, want)
		} else {
			for i := range got {
				if got[i] != wantGo[i] {
					what := "parameter " + strconv.Itoa(i)
					if i == 0 {
						what = "result"
					}
					t.Errorf("%s: %s is Go %s, but C %q needs %s", name, what, got[i], want[i], wantGo[i])
				}
			}
		}
	}
	if len(exported) < 25 {
		t.Fatalf("found only %d //export functions in exports.go", len(exported))
	}
	csrc, err := os.ReadFile("entrena.c")
	if err != nil {
		t.Fatal(err)
	}
	for name := range protos {
		if exported[name] {
			continue
		}
		if !regexp.MustCompile(`(?m)^[a-z_ ]+[ *]` + name + `\(`).Match(csrc) {
			t.Errorf("%s is declared in entrena.h but neither exported from Go nor defined in entrena.c", name)
		}
	}
}

// TestStatusValues: the status constants of the Go side equal the enum of
// entrena.h, and the enum is 0, 1, 2, … without gaps.
func TestStatusValues(t *testing.T) {
	src, err := os.ReadFile("include/entrena.h")
	if err != nil {
		t.Fatal(err)
	}
	go_ := map[string]int32{
		"ENTRENA_OK": statusOK, "ENTRENA_ERR_ARGUMENT": statusArgument, "ENTRENA_ERR_SPEC": statusSpec,
		"ENTRENA_ERR_SHAPE": statusShape, "ENTRENA_ERR_DATA": statusData, "ENTRENA_ERR_DIVERGED": statusDiverged,
		"ENTRENA_ERR_STOPPED": statusStopped, "ENTRENA_ERR_MODEL": statusModel, "ENTRENA_ERR_VERSION": statusVersion,
		"ENTRENA_ERR_IO": statusIO, "ENTRENA_ERR_HANDLE": statusHandle, "ENTRENA_ERR_BUSY": statusBusy,
		"ENTRENA_ERR_KERNEL": statusKernel, "ENTRENA_ERR_INTERNAL": statusInternal,
		"ENTRENA_ERR_REDUCE": statusReduce,
	}
	ms := regexp.MustCompile(`(?m)^\s*(ENTRENA_(?:OK|ERR_[A-Z]+)) = (\d+),?`).FindAllStringSubmatch(string(src), -1)
	if len(ms) != len(go_) {
		t.Fatalf("entrena.h has %d status values, the Go side %d", len(ms), len(go_))
	}
	for i, m := range ms {
		v, _ := strconv.Atoi(m[2])
		if v != i {
			t.Errorf("%s = %d: the enum should count up from 0 without gaps", m[1], v)
		}
		if g, ok := go_[m[1]]; !ok || int(g) != v {
			t.Errorf("%s = %d in entrena.h, %d (known %v) in Go", m[1], v, g, ok)
		}
	}
}

// TestStatusStringsMatchHeader: the strings entrena.h quotes in the comment
// of entrena_status_string are the ones it returns, the first for ENTRENA_OK.
func TestStatusStringsMatchHeader(t *testing.T) {
	src, err := os.ReadFile("include/entrena.h")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	decl := strings.Index(text, "const char *entrena_status_string(")
	if decl < 0 {
		t.Fatal("no entrena_status_string in entrena.h")
	}
	comment := text[strings.LastIndex(text[:decl], "/*"):decl]
	quoted := regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(comment, -1)
	if len(quoted) < 2 {
		t.Fatalf("no quoted examples in %q", comment)
	}
	returned := map[string]bool{statusString(-1): true}
	for s := statusOK; s <= statusInternal; s++ {
		returned[statusString(s)] = true
	}
	for _, q := range quoted {
		if !returned[q[1]] {
			t.Errorf("entrena.h quotes %q, which entrena_status_string never returns", q[1])
		}
	}
	if got := statusString(statusOK); got != quoted[0][1] {
		t.Errorf("entrena_status_string(ENTRENA_OK) = %q, entrena.h says %q", got, quoted[0][1])
	}
}
