package main

/*
#include "internal.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// callReduce is a data-parallel fit's all-reduce: the caller's reduce
// callback over the buffer core hands it, in place. The buffer is Go
// memory holding no Go pointers, which C may use during the call.
func (h *netHandle) callReduce(buf []float32) error {
	if len(buf) == 0 {
		return nil
	}
	// Calls on this handle from the callback get ENTRENA_ERR_BUSY, as from
	// a progress callback, rather than waiting for the fit.
	h.busy.Store(true)
	r := C.entrena__call_reduce(h.reduce, (*C.float)(unsafe.Pointer(&buf[0])), C.int64_t(len(buf)), h.reduceUser)
	h.busy.Store(false)
	if r != 0 {
		return fmt.Errorf("the reduce callback returned %d", int32(r))
	}
	return nil
}
