//go:build noasm || purego || !(amd64 || arm64)

package asm

func prefetchLines(p *float32, lines int) {}

func linesSpanned(s []float32) int { return 0 }

const hasPrefetch = false
