// Package core is entrena's training engine: dense feed-forward networks on
// flat, preallocated float32 buffers, trained by mini-batch gradient descent
// with backpropagation (δ[l] = (δ[l+1]·W[l+1]) ⊙ f'(z[l]),
// dW = (1/m)·δᵀ·a[l−1], db = (1/m)·Σδ) and SGD, momentum, Adam or RMSprop
// updates, with per-layer L2 weight decay and dropout (Layer.L2,
// Layer.Dropout, as Keras defines them).
//
// The loss (Loss, what TrainStep, Fit's history and Evaluate report) is the
// cost function J of the seed text, plus λ·Σw² of every layer with weight
// decay.
//
// Layout follows numpy C-order and PyTorch: samples are rows, an input batch
// X is batch×inputs, a weight matrix W is outputs×inputs, all row-major.
// Callers' batches are read in place.
//
// # Memory
//
// New makes one allocation per category (parameters, gradients in the same
// layout, optimizer state, activations, deltas), each layer's part starting
// on a 64-byte boundary; TrainStep, Predict and Evaluate then allocate
// nothing, and Fit nothing per batch. A step's batch is at most
// Spec.MaxBatch; Predict and Evaluate take any number of samples, MaxBatch
// at a time. New adds up those buffers before allocating them and refuses
// (ErrTooLarge) a network this machine's memory limits could not hold,
// since Go cannot recover from a refused allocation.
//
// # Kernels
//
// All heavy work goes through package asm, whose kernel path (generic,
// avx2, avx512, neon) is chosen at start-up. The same seed on the same path
// gives bit-identical weights.
//
// # Model files
//
// A network saves to a versioned, CRC-checked model file (Save, Load,
// Encode, Decode, WriteTo, ReadModel; docs/MODEL_FORMAT.md). A Schema
// attached with SetSchema travels in the same file and says what the
// inputs and outputs mean: feature names, label column, class labels,
// feature and target scaling.
//
// # Past one machine
//
// Fit trains data-parallel across processes when FitOptions.Allreduce,
// Rank and Size are set: each rank takes its share of every batch and the
// hook (MPI_Allreduce or any sum across processes) combines the gradients
// before the update, so that every rank applies the same step. Gradients
// and ApplyGradients split a step for callers who drive their own loop;
// BroadcastParams gives every rank rank 0's weights. See
// docs/DISTRIBUTED.md.
//
// # Concurrency
//
// A Network is not safe for concurrent use: it serves one call at a time,
// and a call made while another runs returns ErrConcurrentUse instead of
// sharing its buffers. Separate networks are independent and may be trained
// from separate goroutines at once. To serve one trained model from many
// goroutines, make a Predictor (Network.NewPredictor) and give each
// goroutine a Clone: the clones share one read-only copy of the weights
// and own only their scratch. A PredictorPool (Network.NewPredictorPool) is
// one Predict that any number of goroutines may call at once, for servers
// whose goroutines come and go. FitContext stops training when a context
// is done.
//
// # Buffers the caller passes
//
// A method that writes into a caller's buffer takes it after its inputs:
// Predict(x, samples, out); CopyParams(dst) and Encode(dst), whose only
// argument it is, follow the same rule. Such methods check the buffer's
// length and never grow it.
//
// # Errors
//
// Every error starts with "entrena: " and wraps one of the Err variables,
// for errors.Is (their doc lists the exceptions). Close ends a network;
// later calls return ErrClosed.
package core
