package main

/*
#include "internal.h"
*/
import "C"

import "unsafe"

// Helpers for the tests, which cannot use cgo themselves.

// C2Go converts a NUL-terminated C string to Go.
func C2Go(s *C.char) string { return C.GoString(s) }

// CPtr2Go converts the NUL-terminated C string at p to Go (tests cannot
// name C types).
func CPtr2Go(p unsafe.Pointer) string { return C.GoString((*C.char)(p)) }

// cChar is C's char, for tests, which cannot name C types.
type cChar = C.char

// errmsgMax is ENTRENA_ERRMSG_MAX.
const errmsgMax = C.ENTRENA_ERRMSG_MAX

// cString returns s as a C string the caller frees with freeCString.
func cString(s string) *C.char { return C.CString(s) }

func freeCString(s *C.char) { C.free(unsafe.Pointer(s)) }

// statusString is entrena_status_string(status).
func statusString(status int32) string {
	return C.GoString(C.entrena_status_string(C.entrena_status(status)))
}

// lastError and lastErrno are entrena_last_error() and entrena_last_errno()
// of the calling thread: call them with the goroutine locked to its thread.
func lastError() string { return C.GoString(C.entrena_last_error()) }
func lastErrno() int    { return int(C.entrena_last_errno()) }
