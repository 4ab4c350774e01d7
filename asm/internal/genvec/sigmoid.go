package main

func writeSigmoid(g *gen, a isa, mask string) {}
