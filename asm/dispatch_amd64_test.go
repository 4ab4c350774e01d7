//go:build !noasm && !purego

package asm

import (
	"reflect"
	"slices"
	"testing"
)

// TestAVX512ReplacesAVX2Choices: the avx512 path starts as a copy of avx2,
// so an entry the AVX2 setters chose and setGemmAVX512/setVecAVX512 forget
// would run AVX2 code (or AVX2's product rules, bands and tiles) on an
// AVX-512 CPU: a split product's bits then differ from the one-thread
// product's. Every entry that avx2 changed from generic must differ in
// avx512 too, unless avx512KeepsAVX2 names it. Building the paths runs no
// SIMD instruction, so this runs on any amd64 CPU.
func TestAVX512ReplacesAVX2Choices(t *testing.T) {
	avx2 := avx2Kernels()
	avx512 := avx512Kernels(avx2)
	g, a2, a5 := reflect.ValueOf(*genericKernels), reflect.ValueOf(*avx2), reflect.ValueOf(*avx512)
	checked := 0
	for i := range g.NumField() {
		name := g.Type().Field(i).Name
		if name == "name" || sameEntry(g.Field(i), a2.Field(i)) {
			continue // not an AVX2 choice
		}
		checked++
		kept := sameEntry(a2.Field(i), a5.Field(i))
		if slices.Contains(avx512KeepsAVX2, name) {
			if !kept {
				t.Errorf("%s: avx512KeepsAVX2 names it, but avx512 replaces it", name)
			}
			continue
		}
		if kept {
			t.Errorf("%s: the avx512 path keeps avx2's choice (replace it in setGemmAVX512/setVecAVX512, or name it in avx512KeepsAVX2)", name)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d entries differ between generic and avx2: the comparison is broken", checked)
	}
}

// sameEntry reports whether two kernelSet fields hold the same choice:
// the same function (by code pointer), pointer, or value. (The fields are
// unexported, so they are read by kind rather than through Interface.)
func sameEntry(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Func, reflect.Pointer:
		return a.IsNil() == b.IsNil() && (a.IsNil() || a.Pointer() == b.Pointer())
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Elem().Type() == b.Elem().Type() && sameEntry(a.Elem(), b.Elem())
	case reflect.Int:
		return a.Int() == b.Int()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.String:
		return a.String() == b.String()
	}
	panic("kernelSet field of kind " + a.Kind().String() + ": teach sameEntry to compare it")
}
