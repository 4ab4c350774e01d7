// Package core is entrena's training engine: dense networks on flat,
// preallocated float32 buffers, trained by mini-batch gradient descent with
// backpropagation, as the seed text describes (MSE cost, sigmoid layers,
// δ[l] = (δ[l+1]·W[l+1]) ⊙ σ'(z[l]), dW = (1/m)·δᵀ·a[l−1], db = (1/m)·Σδ).
//
// Layout follows numpy C-order and PyTorch: samples are rows, an input batch
// X is batch×inputs, a weight matrix W is outputs×inputs, all row-major.
// Callers' batches are read in place.
//
// Memory follows llm.c: New makes one allocation per category (parameters,
// gradients in the same layout, optimizer state, activations, deltas), each
// sub-slice starting on a 64-byte boundary; TrainStep, Predict and Evaluate
// then allocate nothing. A batch larger than Spec.MaxBatch is an error; a
// smaller last batch is handled by length. New adds up those buffers before
// allocating them and refuses (ErrTooLarge) a network this machine's memory
// limits could not hold, since Go cannot recover from a refused allocation.
//
// All heavy work goes through package asm, whose kernel path (generic, avx2,
// avx512, neon) is chosen at start-up. The same seed on the same path gives
// bit-identical weights.
//
// A network saves to a versioned, CRC-checked model file (Save, Load,
// Encode, Decode; docs/MODEL_FORMAT.md). A Schema attached with SetSchema
// travels in the same file and says what the inputs and outputs mean:
// feature names, label column, class labels, feature and target scaling.
//
// A Network is not safe for concurrent use; separate networks are
// independent and may be trained from separate goroutines at once.
package core
