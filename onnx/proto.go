package onnx

import "encoding/binary"

// A protobuf writer for the few ONNX messages the exporter emits. Field
// numbers are those of onnx.proto (onnx/onnx.proto in the ONNX repository).
const (
	wireVarint = 0
	wireBytes  = 2
)

// ModelProto.
const (
	modelIRVersion     = 1
	modelProducerName  = 2
	modelProducerVer   = 3
	modelDocString     = 6
	modelGraph         = 7
	modelOpsetImport   = 8
	modelMetadataProps = 14

	// StringStringEntryProto.
	entryKey   = 1
	entryValue = 2
)

// OperatorSetIdProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto and its
// Dimension.
const (
	opsetDomain  = 1
	opsetVersion = 2

	graphNode        = 1
	graphName        = 2
	graphInitializer = 5
	graphInput       = 11
	graphOutput      = 12

	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5

	attrName = 1
	attrI    = 3
	attrType = 20

	tensorDims     = 1
	tensorDataType = 2
	tensorName     = 8
	tensorRawData  = 9

	valueName = 1
	valueType = 2

	typeTensor     = 1
	tensorElemType = 1
	tensorShape    = 2
	shapeDim       = 1
	dimValue       = 1
	dimParam       = 2
)

// AttributeProto.AttributeType and TensorProto.DataType values.
const (
	attrTypeInt = 2
	dataFloat   = 1
)

// message is one protobuf message being written.
type message struct{ b []byte }

func (m *message) key(field, wire int) {
	m.b = binary.AppendUvarint(m.b, uint64(field)<<3|uint64(wire))
}

func (m *message) varint(field int, v int64) {
	m.key(field, wireVarint)
	m.b = binary.AppendUvarint(m.b, uint64(v))
}

func (m *message) bytes(field int, v []byte) {
	m.key(field, wireBytes)
	m.b = binary.AppendUvarint(m.b, uint64(len(v)))
	m.b = append(m.b, v...)
}

func (m *message) string(field int, s string) { m.bytes(field, []byte(s)) }

func (m *message) sub(field int, s *message) { m.bytes(field, s.b) }
