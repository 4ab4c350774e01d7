//go:build !linux

package mem

func adviseHuge(b []byte) {}
