package main

import "C"

// C2Go converts a NUL-terminated C string to Go (for tests).
func C2Go(s *C.char) string { return C.GoString(s) }
