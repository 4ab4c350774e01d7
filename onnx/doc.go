// Package onnx writes a trained entrena network as an ONNX model, so that a
// network trained here can be served by any ONNX runtime (onnxruntime,
// OpenVINO, TensorRT, a browser's onnxruntime-web).
//
// The graph is the network's forward pass and nothing else: per layer a
// Gemm (Y = X·Wᵀ + b, the weights stored out×in as entrena keeps them, with
// transB = 1) followed by the layer's activation (Sigmoid, Tanh, Relu,
// Softmax over axis 1; none for linear). The input is a float tensor of
// shape [batch, inputs] with a symbolic batch dimension, the output
// [batch, outputs]. Optional affine steps before and after (feature
// standardization, target scaling undone) are Sub/Div and Mul/Add nodes
// with their constants as initializers.
//
// The file is ONNX IR version 7 with the default-domain operator set 13
// (ONNX 1.8, 2020), which every current runtime reads. The protobuf is
// written by hand (this package has no dependencies): only the messages
// and fields listed in proto.go are emitted.
package onnx
