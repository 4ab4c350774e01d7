package main

import "C"

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/internal/regularfile"
	"github.com/v1tr0/entrena/onnx"
)

//export entrena_save_onnx
func entrena_save_onnx(net uintptr, path *C.char) (status int32) {
	const fn = "entrena_save_onnx"
	defer guard(fn, &status)
	return withNet(fn, net, func(h *netHandle) error {
		if path == nil {
			return argErr("path is NULL")
		}
		var buf bytes.Buffer
		if err := onnx.Write(&buf, h.net, onnx.Options{Producer: core.Version}); err != nil {
			if errors.Is(err, onnx.ErrExport) {
				return fmt.Errorf("%w: %w", core.ErrData, err) // a NaN or ±Inf parameter
			}
			return err
		}
		return regularfile.WriteAtomic(C.GoString(path), buf.Bytes())
	})
}
