/**
 * ONNX export and import of nabla models: {@link dev.nabla.onnx.Onnx} writes a module as an ONNX file and reads
 * an ONNX graph of the supported ops back as a {@link dev.nabla.nn.Sequential} ({@link dev.nabla.onnx.OnnxModel}).
 * The protobuf encoding of the ONNX schema's messages nabla needs is written here with protobuf-java's coded
 * streams; the layer table says which module becomes which node and back.
 */
package dev.nabla.onnx;
