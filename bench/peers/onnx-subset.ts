// The few ONNX messages and fields our model writer fills in (field numbers as in onnx/onnx.proto,
// ONNX IR version 8). Written by hand for the peers bench: everything else ONNX defines is left out.
// A TypeScript string rather than a .proto file, so that the browser bundle needs no file reading.
export const ONNX_SUBSET_PROTO = `syntax = "proto2";

package onnx;

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
}

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0;
    INT = 2;
    INTS = 7;
  }
  optional string name = 1;
  optional int64 i = 3;
  repeated int64 ints = 8;
  optional AttributeType type = 20;
}

message TensorProto {
  enum DataType {
    UNDEFINED = 0;
    FLOAT = 1;
  }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  optional Tensor tensor_type = 1;
}

message TensorShapeProto {
  message Dimension {
    optional int64 dim_value = 1;
  }
  repeated Dimension dim = 1;
}
`;
