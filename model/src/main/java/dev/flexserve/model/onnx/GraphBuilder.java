package dev.flexserve.model.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small builder for ONNX graphs (opset 17, default domain only) on the protobuf classes of
 * {@code tribuo-util-onnx}. Node outputs get generated names; graph inputs, outputs and initializers keep the
 * names they are given. Large initializers can be written as external data next to the graph, inside the
 * package, which keeps every graph below protobuf's 2 GB limit for 7B-sized imports.
 */
public final class GraphBuilder {
    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final List<FloatInit> floatInits = new ArrayList<>();
    private int counter;

    private record FloatInit(String name, float[] values, long[] dims) {
    }

    public GraphBuilder(String name) {
        graph.setName(name);
    }

    /** A graph input; a dimension is an Integer (fixed) or a String (symbolic, e.g. "batch"). */
    public String input(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** Declares {@code value} as a graph output named {@code name}. */
    public void output(String value, String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        op("Identity", List.of(value), name);
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** A float32 weight; {@code values} is row-major for {@code dims}. */
    public String weight(String name, float[] values, long... dims) {
        floatInits.add(new FloatInit(name, values, dims));
        return name;
    }

    public String int64s(long... values) {
        String name = fresh("const");
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    public String int64Scalar(long value) {
        String name = fresh("const");
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addInt64Data(value));
        return name;
    }

    public String floatScalar(float value) {
        String name = fresh("const");
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addFloatData(value));
        return name;
    }

    /** Adds a node and returns the name of its (single) output. */
    public String op(String opType, List<String> inputs, OnnxMl.AttributeProto... attributes) {
        return op(opType, inputs, fresh(opType.toLowerCase()), attributes);
    }

    private String op(String opType, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder()
                .setOpType(opType).setName(fresh("n_" + opType)).addAllInput(inputs).addOutput(output);
        for (OnnxMl.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return output;
    }

    public String op(String opType, String... inputs) {
        return op(opType, List.of(inputs));
    }

    public static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    public static OnnxMl.AttributeProto intsAttr(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /**
     * Writes the model to {@code file}. Float initializers of at least {@code externalThresholdBytes} bytes go to
     * {@code <file name>.data} beside it as ONNX external data (relative location, so the package can move).
     */
    public void write(Path file, long externalThresholdBytes) throws IOException {
        String dataName = file.getFileName() + ".data";
        Path dataFile = file.resolveSibling(dataName);
        OnnxMl.GraphProto.Builder g = graph.clone();
        long offset = 0;
        OutputStream data = null;
        try {
            for (FloatInit init : floatInits) {
                long bytes = 4L * init.values.length;
                OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(init.name)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
                for (long d : init.dims) {
                    t.addDims(d);
                }
                if (bytes >= externalThresholdBytes) {
                    if (data == null) {
                        data = Files.newOutputStream(dataFile);
                    }
                    data.write(littleEndian(init.values));
                    t.setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                            .addExternalData(entry("location", dataName))
                            .addExternalData(entry("offset", Long.toString(offset)))
                            .addExternalData(entry("length", Long.toString(bytes)));
                    offset += bytes;
                } else {
                    t.setRawData(ByteString.copyFrom(littleEndian(init.values)));
                }
                g.addInitializer(t);
            }
        } finally {
            if (data != null) {
                data.close();
            }
        }
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("flexserve")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g)
                .build();
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    private String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Integer i) {
                dim.setDimValue(i);
            } else {
                dim.setDimParam(d.toString());
            }
            shape.addDim(dim);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }
}
