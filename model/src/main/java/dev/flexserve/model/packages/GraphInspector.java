package dev.flexserve.model.packages;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Refuses ONNX graphs that could do more than compute: operators outside an allow-list (no custom domains,
 * no control flow with subgraphs, nothing that reads files or draws random numbers) and external-data
 * references that leave the package or point at files the manifest does not hash.
 */
final class GraphInspector {
    /** The operators FlexServe's own graphs use; anything else in a contributed graph is refused. */
    static final Set<String> ALLOWED_OPS = Set.of(
            "Add", "And", "Cast", "Concat", "Cos", "Div", "Equal", "Gather", "GreaterOrEqual", "Greater", "Identity",
            "Less", "LessOrEqual", "MatMul", "Mul", "Neg", "Not", "Or", "Pow", "Range", "Reciprocal", "ReduceMean",
            "Reshape", "Shape", "Sigmoid", "Sin", "Slice", "Softmax", "Sqrt", "Squeeze", "Sub", "Transpose",
            "Unsqueeze", "Where", "Expand", "Tanh", "Erf", "Constant");

    private GraphInspector() {
    }

    static void inspect(Path packageDir, String file, Set<String> packageFiles) {
        Path path = packageDir.resolve(file);
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(path)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new PackageException(packageDir + ": " + file + " is not a valid ONNX model: " + e.getMessage());
        }
        for (OnnxMl.OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (!opset.getDomain().isEmpty() && !opset.getDomain().equals("ai.onnx")) {
                throw new PackageException(packageDir + ": " + file + " imports operator domain '" + opset.getDomain() + "', which is not allowed");
            }
        }
        if (model.getFunctionsCount() > 0) {
            throw new PackageException(packageDir + ": " + file + " defines model-local functions, which are not allowed");
        }
        OnnxMl.GraphProto graph = model.getGraph();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                throw new PackageException(packageDir + ": " + file + " uses operator " + node.getDomain() + "::" + node.getOpType() + ", outside the allow-list");
            }
            if (!ALLOWED_OPS.contains(node.getOpType())) {
                throw new PackageException(packageDir + ": " + file + " uses operator " + node.getOpType() + ", outside the allow-list");
            }
            for (OnnxMl.AttributeProto a : node.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0 || a.hasT() && a.getT().getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                    throw new PackageException(packageDir + ": " + file + " node " + node.getName() + " carries a subgraph or external tensor attribute, which is not allowed");
                }
            }
        }
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                checkExternal(packageDir, file, t, packageFiles);
            }
        }
    }

    private static void checkExternal(Path packageDir, String file, OnnxMl.TensorProto t, Set<String> packageFiles) {
        String location = null;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            if (e.getKey().equals("location")) {
                location = e.getValue();
            }
        }
        if (location == null) {
            throw new PackageException(packageDir + ": " + file + " tensor " + t.getName() + " has external data without a location");
        }
        Path graphDir = Path.of(file).getParent();
        Path resolved = (graphDir == null ? Path.of(location) : graphDir.resolve(location)).normalize();
        if (Path.of(location).isAbsolute() || resolved.startsWith("..") || resolved.isAbsolute()) {
            throw new PackageException(packageDir + ": " + file + " tensor " + t.getName() + " reads external data from '" + location + "', outside the package");
        }
        if (!packageFiles.contains(resolved.toString().replace('\\', '/'))) {
            throw new PackageException(packageDir + ": " + file + " tensor " + t.getName() + " reads external data from '" + location + "', which the manifest does not list");
        }
    }
}
