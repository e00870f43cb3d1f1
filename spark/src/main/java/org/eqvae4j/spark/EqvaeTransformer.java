package org.eqvae4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.eqvae4j.runtime.ort.ExecutionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark ML Transformer running one {@link ImageOperation} over rows of {@code spark.read.format("binaryFile")}
 * ({@code path}, {@code content}, ...): it adds the produced file's bytes, the operation's typed values and an
 * {@code error} column. A bad input never fails the job: its row gets null results and the error message,
 * which names the file. The model is opened once per executor JVM ({@link ExecutorModels}), from the bundle's
 * bytes broadcast by the driver (default) or from a folder all executors can read ({@code shipBundle=false}).
 * ONNX Runtime gets {@code spark.task.cpus} threads per task unless {@code ortThreads} says otherwise, so
 * concurrent tasks x threads stay within an executor's cores.
 */
public abstract class EqvaeTransformer extends Transformer {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EqvaeTransformer.class);

    private final String uid;
    private final ImageOperation operation;

    // Spark ML params, made in the constructor: a param belongs to the uid, which must be set first
    private final Param<String> bundle;
    private final BooleanParam shipBundle;
    private final IntParam ortThreads;
    private final Param<String> device;
    private final IntParam cudaDevice;
    private final Param<String> tiling;
    private final Param<String> pathCol;
    private final Param<String> contentCol;
    private final Param<String> errorCol;
    private final Param<String> intensity;
    private final BooleanParam ignoreBundleId;

    protected EqvaeTransformer(String uid, ImageOperation operation) {
        this.uid = uid;
        this.operation = operation;
        bundle = new Param<>(this, "bundle", "model bundle folder (e.g. models/taef2)");
        shipBundle = new BooleanParam(
                this,
                "shipBundle",
                "broadcast the bundle's bytes to the executors (true) or open the folder on each executor (false: shared storage)");
        ortThreads = new IntParam(
                this,
                "ortThreads",
                "ONNX Runtime threads per model call, 0 = spark.task.cpus (tasks x threads = executor cores)");
        device = new Param<>(this, "device", "execution provider: cpu or cuda");
        cudaDevice = new IntParam(this, "cudaDevice", "GPU index for device cuda");
        tiling = new Param<>(this, "tiling", "auto, always or never (as the command line's --tiling)");
        pathCol = new Param<>(this, "pathCol", "input column with the file's path");
        contentCol = new Param<>(this, "contentCol", "input column with the file's bytes");
        errorCol = new Param<>(this, "errorCol", "output column: null, or why the row failed");
        intensity = new Param<>(this, "intensity", "encode, roundtrip: linear or percentile[:LOW:HIGH]");
        ignoreBundleId = new BooleanParam(
                this, "ignoreBundleId", "decode: accept latents made by another bundle with the same channel count");
        setDefault(shipBundle, true);
        setDefault(ortThreads, 0);
        setDefault(device, "cpu");
        setDefault(cudaDevice, 0);
        setDefault(tiling, "auto");
        setDefault(pathCol, "path");
        setDefault(contentCol, "content");
        setDefault(errorCol, "error");
        setDefault(intensity, "linear");
        setDefault(ignoreBundleId, false);
    }

    protected static String newUid(String prefix) {
        return Identifiable$.MODULE$.randomUID(prefix);
    }

    @Override
    public String uid() {
        return uid;
    }

    public ImageOperation operation() {
        return operation;
    }

    // Spark ML finds a stage's params by its public no-argument methods returning Param
    public Param<String> bundle() {
        return bundle;
    }

    public BooleanParam shipBundle() {
        return shipBundle;
    }

    public IntParam ortThreads() {
        return ortThreads;
    }

    public Param<String> device() {
        return device;
    }

    public IntParam cudaDevice() {
        return cudaDevice;
    }

    public Param<String> tiling() {
        return tiling;
    }

    public Param<String> pathCol() {
        return pathCol;
    }

    public Param<String> contentCol() {
        return contentCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public Param<String> intensity() {
        return intensity;
    }

    public BooleanParam ignoreBundleId() {
        return ignoreBundleId;
    }

    public EqvaeTransformer setBundle(String folder) {
        set(bundle, folder);
        return this;
    }

    public EqvaeTransformer setShipBundle(boolean ship) {
        set(shipBundle, ship);
        return this;
    }

    public EqvaeTransformer setOrtThreads(int threads) {
        set(ortThreads, threads);
        return this;
    }

    public EqvaeTransformer setDevice(String provider) {
        set(device, provider);
        return this;
    }

    public EqvaeTransformer setCudaDevice(int index) {
        set(cudaDevice, index);
        return this;
    }

    public EqvaeTransformer setTiling(String mode) {
        set(tiling, mode);
        return this;
    }

    public EqvaeTransformer setPathCol(String column) {
        set(pathCol, column);
        return this;
    }

    public EqvaeTransformer setContentCol(String column) {
        set(contentCol, column);
        return this;
    }

    public EqvaeTransformer setErrorCol(String column) {
        set(errorCol, column);
        return this;
    }

    /** encode / roundtrip: how intensities map to [0, 1], linear or percentile[:LOW:HIGH]. */
    public EqvaeTransformer setIntensity(String mapping) {
        set(intensity, mapping);
        return this;
    }

    /** decode: accept latents made by another bundle with the same channel count. */
    public EqvaeTransformer setIgnoreBundleId(boolean ignore) {
        set(ignoreBundleId, ignore);
        return this;
    }

    String intensityValue() {
        return getOrDefault(intensity);
    }

    boolean ignoreBundleIdValue() {
        return (Boolean) getOrDefault(ignoreBundleId);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        for (Param<String> p : List.of(pathCol, contentCol)) {
            if (!names.contains(getOrDefault(p))) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": input column '" + getOrDefault(p)
                        + "' (" + p.name() + ") is missing; the input has " + names
                        + " (spark.read.format(\"binaryFile\") gives path, content)");
            }
        }
        if (!schema.apply(getOrDefault(contentCol)).dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": column '" + getOrDefault(contentCol) + "' must be binary, is "
                            + schema.apply(getOrDefault(contentCol)).dataType().simpleString());
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        fields.add(DataTypes.createStructField(operation.outputColumn(), DataTypes.BinaryType, true));
        fields.addAll(operation.valueFields());
        fields.add(DataTypes.createStructField(getOrDefault(errorCol), DataTypes.StringType, true));
        for (StructField f : fields.subList(schema.size(), fields.size())) {
            if (names.contains(f.name())) {
                throw new IllegalArgumentException(
                        getClass().getSimpleName() + ": output column '" + f.name() + "' exists in the input already");
            }
        }
        return DataTypes.createStructType(fields);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        ModelSource source = modelSource(dataset.sparkSession());
        RowFunction f = new RowFunction(
                new StepFunction.Steps(operation, source, intensityValue(), ignoreBundleIdValue()),
                dataset.schema().fieldIndex(getOrDefault(pathCol)),
                dataset.schema().fieldIndex(getOrDefault(contentCol)));
        return dataset.toDF().mapPartitions(f, Encoders.row(out));
    }

    /**
     * How executors get the model: validates the bundle here, on the driver, and broadcasts its bytes unless
     * {@code shipBundle} is false; resolves the thread count.
     */
    ModelSource modelSource(SparkSession spark) {
        if (!isDefined(bundle) || getOrDefault(bundle) == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": set the model bundle (setBundle)");
        }
        String folder = getOrDefault(bundle);
        int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
        int threads = (Integer) getOrDefault(ortThreads);
        if (threads < 0) {
            throw new IllegalArgumentException("ortThreads must be >= 0 (0 = spark.task.cpus), got " + threads);
        }
        if (threads == 0) {
            threads = taskCpus;
        } else if (threads > taskCpus) {
            LOG.warn(
                    "ortThreads {} exceeds spark.task.cpus {}: concurrent tasks will use more threads than the executor has cores",
                    threads,
                    taskCpus);
        }
        Broadcast<BundleBytes> shipped = null;
        try {
            if ((Boolean) getOrDefault(shipBundle)) {
                shipped = JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .broadcast(BundleBytes.read(Path.of(folder)));
            } else {
                org.eqvae4j.runtime.bundle.ModelBundle.open(
                        Path.of(folder)); // at least the driver must see a valid bundle
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return new ModelSource(
                shipped,
                folder,
                threads,
                ExecutionProvider.parse(getOrDefault(device)),
                (Integer) getOrDefault(cudaDevice),
                getOrDefault(tiling),
                null,
                null);
    }

    @Override
    public Transformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Adds the operation's columns to each row (null results and the error for a bad input). */
    static final class RowFunction extends StepFunction {
        private static final long serialVersionUID = 1L;
        private final int pathIndex;
        private final int contentIndex;

        RowFunction(Steps steps, int pathIndex, int contentIndex) {
            super(steps);
            this.pathIndex = pathIndex;
            this.contentIndex = contentIndex;
        }

        @Override
        Row apply(Row row, Supplier<ImageOperation.Step> step) {
            ImageOperation.Step s = step.get();
            Object[] v =
                    new Object[row.size() + 2 + steps.operation().valueFields().size()];
            for (int i = 0; i < row.size(); i++) {
                v[i] = row.get(i);
            }
            String name = SparkPaths.display(row.getString(pathIndex));
            try {
                byte[] content = row.isNullAt(contentIndex) ? null : (byte[]) row.get(contentIndex);
                if (content == null) {
                    throw new IllegalArgumentException("image " + name + " has no content in this row");
                }
                ImageOperation.Outcome o = s.apply(name, content);
                v[row.size()] = o.bytes();
                System.arraycopy(o.values(), 0, v, row.size() + 1, o.values().length);
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                v[v.length - 1] = SparkPaths.error(name, e);
            }
            return RowFactory.create(v);
        }
    }
}
