package main

import "C"

import "unsafe"

// C2Go converts a NUL-terminated C string to Go (for tests).
func C2Go(s *C.char) string { return C.GoString(s) }

// CPtr2Go converts the NUL-terminated C string at p to Go (for tests, which
// cannot name C types).
func CPtr2Go(p unsafe.Pointer) string { return C.GoString((*C.char)(p)) }
