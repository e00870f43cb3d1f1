package org.eqvae4j.export.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reference implementations, on small constant tensors, of the ops exporters use for shape arithmetic;
 * {@link ConstantFolding} calls them. Values are held as doubles (exact for shape sizes) and written back
 * in the op's element type. Returns null for an op or a variant it does not evaluate.
 */
final class ConstantOps {
    private ConstantOps() {}

    /** A tensor's numbers, element type and dimensions. */
    private record Num(DType dtype, long[] dims, double[] v) {
        static Num of(Tensor t) {
            double[] v;
            if (t.dtype().isFloatingPoint()) {
                float[] f = t.toFloats();
                v = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    v[i] = f[i];
                }
            } else {
                long[] l = t.toLongs();
                v = new double[l.length];
                for (int i = 0; i < l.length; i++) {
                    v[i] = l[i];
                }
            }
            return new Num(t.dtype(), t.dims(), v);
        }

        Tensor tensor() {
            return ConstantFolding.tensor(dtype, dims, v);
        }

        int rank() {
            return dims.length;
        }
    }

    static Tensor apply(Node n, List<Tensor> args) {
        for (Tensor t : args) {
            if (t != null
                    && (t.numElements() > ConstantFolding.MAX_ELEMENTS
                            || !(t.dtype().isFloatingPoint()
                                    || t.dtype() == DType.INT64
                                    || t.dtype() == DType.INT32
                                    || t.dtype() == DType.BOOL
                                    || t.dtype() == DType.INT8
                                    || t.dtype() == DType.UINT8))) {
                return null;
            }
        }
        List<Num> a = new ArrayList<>();
        for (Tensor t : args) {
            a.add(t == null ? null : Num.of(t));
        }
        Num r = switch (n.opType()) {
            case "Identity" -> a.get(0);
            case "Cast" ->
                new Num(
                        DType.fromOnnx((int) n.attrLong("to", 1)),
                        a.get(0).dims,
                        castValues(a.get(0).v, DType.fromOnnx((int) n.attrLong("to", 1))));
            case "Add",
                    "Sub",
                    "Mul",
                    "Div",
                    "Equal",
                    "Less",
                    "Greater",
                    "LessOrEqual",
                    "GreaterOrEqual",
                    "And",
                    "Or",
                    "Max",
                    "Min",
                    "Mod",
                    "Pow" -> binary(n.opType(), a.get(0), a.get(1));
            case "Neg", "Abs", "Floor", "Ceil", "Not", "Sqrt", "Reciprocal", "Round" -> unary(n.opType(), a.get(0));
            case "Where" -> where(a.get(0), a.get(1), a.get(2));
            case "Unsqueeze" -> unsqueeze(a.get(0), axesOf(n, a, 1));
            case "Squeeze" -> squeeze(a.get(0), axesOf(n, a, 1));
            case "Reshape" -> reshape(a.get(0), a.get(1));
            case "Concat" -> concat(a, n.attrLong("axis", 0));
            case "Gather" -> gather(a.get(0), a.get(1), n.attrLong("axis", 0));
            case "Slice" -> slice(args, a.get(0));
            case "Range" -> range(a.get(0), a.get(1), a.get(2));
            case "ConstantOfShape" -> constantOfShape(n, a.get(0));
            case "Expand" -> expand(a.get(0), a.get(1));
            case "Transpose" -> transpose(a.get(0), n.attrLongs("perm", null));
            case "ReduceProd", "ReduceSum" -> reduceAll(n, a);
            default -> null;
        };
        return r == null ? null : r.tensor();
    }

    private static double[] castValues(double[] v, DType to) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = to.isFloatingPoint() ? v[i] : to == DType.BOOL ? (v[i] != 0 ? 1 : 0) : (double) (long) v[i];
        }
        return r;
    }

    private static Num unary(String op, Num x) {
        double[] r = new double[x.v.length];
        for (int i = 0; i < r.length; i++) {
            double v = x.v[i];
            r[i] = switch (op) {
                case "Neg" -> -v;
                case "Abs" -> Math.abs(v);
                case "Floor" -> Math.floor(v);
                case "Ceil" -> Math.ceil(v);
                case "Round" -> Math.rint(v);
                case "Not" -> v == 0 ? 1 : 0;
                case "Sqrt" -> Math.sqrt(v);
                case "Reciprocal" -> 1 / v;
                default -> throw new IllegalStateException(op);
            };
        }
        return new Num(x.dtype, x.dims, round(x.dtype, r));
    }

    /** Float results as float32 computes them, so folding does not change the numbers. */
    private static double[] round(DType dtype, double[] r) {
        if (dtype == DType.FLOAT) {
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) r[i];
            }
        }
        return r;
    }

    private static Num binary(String op, Num x, Num y) {
        long[] dims = broadcast(x.dims, y.dims);
        if (dims == null) {
            return null;
        }
        int size = Math.toIntExact(Tensor.numElements(dims));
        double[] r = new double[size];
        boolean integer = !x.dtype.isFloatingPoint();
        for (int i = 0; i < size; i++) {
            double a = x.v[index(i, dims, x.dims)];
            double b = y.v[index(i, dims, y.dims)];
            r[i] = switch (op) {
                case "Add" -> a + b;
                case "Sub" -> a - b;
                case "Mul" -> a * b;
                case "Div" -> integer ? (double) ((long) a / (long) b) : a / b;
                case "Mod" -> integer ? (double) Math.floorMod((long) a, (long) b) : a % b;
                case "Pow" -> Math.pow(a, b);
                case "Max" -> Math.max(a, b);
                case "Min" -> Math.min(a, b);
                case "Equal" -> a == b ? 1 : 0;
                case "Less" -> a < b ? 1 : 0;
                case "Greater" -> a > b ? 1 : 0;
                case "LessOrEqual" -> a <= b ? 1 : 0;
                case "GreaterOrEqual" -> a >= b ? 1 : 0;
                case "And" -> a != 0 && b != 0 ? 1 : 0;
                case "Or" -> a != 0 || b != 0 ? 1 : 0;
                default -> throw new IllegalStateException(op);
            };
        }
        DType dtype = switch (op) {
            case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or" -> DType.BOOL;
            default -> x.dtype;
        };
        return new Num(dtype, dims, round(dtype, r));
    }

    private static Num where(Num c, Num x, Num y) {
        long[] dims = broadcast(broadcast(c.dims, x.dims), y.dims);
        if (dims == null) {
            return null;
        }
        int size = Math.toIntExact(Tensor.numElements(dims));
        double[] r = new double[size];
        for (int i = 0; i < size; i++) {
            r[i] = c.v[index(i, dims, c.dims)] != 0 ? x.v[index(i, dims, x.dims)] : y.v[index(i, dims, y.dims)];
        }
        return new Num(x.dtype, dims, r);
    }

    private static long[] broadcast(long[] a, long[] b) {
        if (a == null || b == null) {
            return null;
        }
        int rank = Math.max(a.length, b.length);
        long[] d = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            long db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            d[i] = da == 1 ? db : da;
        }
        return d;
    }

    /** Flat index into a tensor of shape {@code src} broadcast to {@code dims}, for flat output index i. */
    private static int index(int i, long[] dims, long[] src) {
        int idx = 0;
        long stride = 1;
        int rem = i;
        int[] coord = new int[dims.length];
        for (int k = dims.length - 1; k >= 0; k--) {
            coord[k] = (int) (rem % dims[k]);
            rem /= (int) dims[k];
        }
        for (int k = src.length - 1; k >= 0; k--) {
            int c = coord[k + dims.length - src.length];
            idx += (int) ((src[k] == 1 ? 0 : c) * stride);
            stride *= src[k];
        }
        return idx;
    }

    private static long[] axesOf(Node n, List<Num> a, int input) {
        if (a.size() > input && a.get(input) != null) {
            return toLongs(a.get(input).v);
        }
        return n.attrLongs("axes", null);
    }

    private static long[] toLongs(double[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (long) v[i];
        }
        return r;
    }

    private static Num unsqueeze(Num x, long[] axes) {
        if (axes == null) {
            return null;
        }
        int rank = x.rank() + axes.length;
        long[] dims = new long[rank];
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            inserted[(int) (a < 0 ? a + rank : a)] = true;
        }
        int src = 0;
        for (int i = 0; i < rank; i++) {
            dims[i] = inserted[i] ? 1 : x.dims[src++];
        }
        return new Num(x.dtype, dims, x.v);
    }

    private static Num squeeze(Num x, long[] axes) {
        List<Long> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            boolean squeezed = false;
            if (axes == null) {
                squeezed = x.dims[i] == 1;
            } else {
                for (long a : axes) {
                    squeezed |= (a < 0 ? a + x.rank() : a) == i;
                }
            }
            if (!squeezed) {
                dims.add(x.dims[i]);
            }
        }
        return new Num(x.dtype, dims.stream().mapToLong(Long::longValue).toArray(), x.v);
    }

    private static Num reshape(Num x, Num shape) {
        long[] t = toLongs(shape.v);
        long known = 1;
        int infer = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0) {
                t[i] = x.dims[i];
            }
            if (t[i] == -1) {
                infer = i;
            } else {
                known *= t[i];
            }
        }
        if (infer >= 0) {
            t[infer] = x.v.length / known;
        }
        return Tensor.numElements(t) == x.v.length ? new Num(x.dtype, t, x.v) : null;
    }

    private static Num concat(List<Num> parts, long axis) {
        Num first = parts.get(0);
        int rank = first.rank();
        int ax = (int) (axis < 0 ? axis + rank : axis);
        long outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= first.dims[i];
        }
        long[] dims = first.dims.clone();
        dims[ax] = 0;
        for (Num p : parts) {
            dims[ax] += p.dims[ax];
        }
        double[] r = new double[Math.toIntExact(Tensor.numElements(dims))];
        int pos = 0;
        for (long o = 0; o < outer; o++) {
            for (Num p : parts) {
                int block = (int) (p.v.length / outer);
                System.arraycopy(p.v, (int) (o * block), r, pos, block);
                pos += block;
            }
        }
        return new Num(first.dtype, dims, r);
    }

    private static Num gather(Num data, Num idx, long axis) {
        int ax = (int) (axis < 0 ? axis + data.rank() : axis);
        long outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= data.dims[i];
        }
        long inner = 1;
        for (int i = ax + 1; i < data.rank(); i++) {
            inner *= data.dims[i];
        }
        long[] dims = new long[data.rank() - 1 + idx.rank()];
        int k = 0;
        for (int i = 0; i < ax; i++) {
            dims[k++] = data.dims[i];
        }
        for (long d : idx.dims) {
            dims[k++] = d;
        }
        for (int i = ax + 1; i < data.rank(); i++) {
            dims[k++] = data.dims[i];
        }
        double[] r = new double[Math.toIntExact(Tensor.numElements(dims))];
        int pos = 0;
        for (long o = 0; o < outer; o++) {
            for (double iv : idx.v) {
                long j = (long) iv < 0 ? (long) iv + data.dims[ax] : (long) iv;
                for (long in = 0; in < inner; in++) {
                    r[pos++] = data.v[(int) ((o * data.dims[ax] + j) * inner + in)];
                }
            }
        }
        return new Num(data.dtype, dims, r);
    }

    /** Slice with exact int64 bounds (ends are often INT64_MAX). */
    private static Num slice(List<Tensor> args, Num x) {
        long[] starts = args.get(1).toLongs();
        long[] ends = args.get(2).toLongs();
        long[] axes = args.size() > 3 && args.get(3) != null ? args.get(3).toLongs() : null;
        long[] steps = args.size() > 4 && args.get(4) != null ? args.get(4).toLongs() : null;
        int rank = x.rank();
        long[] lo = new long[rank];
        long[] step = new long[rank];
        long[] dims = x.dims.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int ax = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i]);
            long st = steps == null ? 1 : steps[i];
            long dim = x.dims[ax];
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) {
                s = Math.max(0, Math.min(s, dim));
                e = Math.max(0, Math.min(e, dim));
                dims[ax] = Math.max(0, (e - s + st - 1) / st);
            } else {
                s = Math.max(-1, Math.min(s, dim - 1));
                e = Math.max(-1, Math.min(e, dim - 1));
                dims[ax] = Math.max(0, (s - e + (-st) - 1) / (-st));
            }
            lo[ax] = s;
            step[ax] = st;
        }
        long[] strides = strides(x.dims);
        long offset = 0;
        long[] stepStrides = new long[rank];
        for (int k = 0; k < rank; k++) {
            offset += lo[k] * strides[k];
            stepStrides[k] = step[k] * strides[k];
        }
        return strided(x, dims, offset, stepStrides);
    }

    private static Num range(Num start, Num limit, Num delta) {
        double s = start.v[0];
        double d = delta.v[0];
        long count = Math.max(0, (long) Math.ceil((limit.v[0] - s) / d));
        if (count > ConstantFolding.MAX_ELEMENTS) {
            return null;
        }
        double[] r = new double[(int) count];
        for (int i = 0; i < count; i++) {
            r[i] = s + i * d;
        }
        return new Num(start.dtype, new long[] {count}, round(start.dtype, r));
    }

    private static Num constantOfShape(Node n, Num shape) {
        long[] dims = toLongs(shape.v);
        if (Tensor.numElements(dims) > ConstantFolding.MAX_ELEMENTS) {
            return null;
        }
        Num fill = n.attribute("value") == null
                ? new Num(DType.FLOAT, new long[] {1}, new double[] {0})
                : Num.of(n.attribute("value").asTensor());
        double[] r = new double[Math.toIntExact(Tensor.numElements(dims))];
        Arrays.fill(r, fill.v[0]);
        return new Num(fill.dtype, dims, r);
    }

    private static Num expand(Num x, Num shape) {
        long[] dims = broadcast(x.dims, toLongs(shape.v));
        if (dims == null || Tensor.numElements(dims) > ConstantFolding.MAX_ELEMENTS) {
            return null;
        }
        double[] r = new double[Math.toIntExact(Tensor.numElements(dims))];
        for (int i = 0; i < r.length; i++) {
            r[i] = x.v[index(i, dims, x.dims)];
        }
        return new Num(x.dtype, dims, r);
    }

    /** The tensor of shape {@code dims} whose element at coordinates c is x's flat element offset + sum c_k stepStrides_k. */
    private static Num strided(Num x, long[] dims, long offset, long[] stepStrides) {
        double[] r = new double[Math.toIntExact(Tensor.numElements(dims))];
        for (int i = 0; i < r.length; i++) {
            long rem = i;
            long src = offset;
            for (int k = dims.length - 1; k >= 0; k--) {
                src += (rem % dims[k]) * stepStrides[k];
                rem /= dims[k];
            }
            r[i] = x.v[(int) src];
        }
        return new Num(x.dtype, dims, r);
    }

    /** Row-major element strides of a shape. */
    private static long[] strides(long[] dims) {
        long[] strides = new long[dims.length];
        long acc = 1;
        for (int k = dims.length - 1; k >= 0; k--) {
            strides[k] = acc;
            acc *= dims[k];
        }
        return strides;
    }

    private static Num transpose(Num x, long[] perm) {
        int rank = x.rank();
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = x.dims[(int) perm[i]];
        }
        long[] strides = strides(x.dims);
        long[] stepStrides = new long[rank];
        for (int k = 0; k < rank; k++) {
            stepStrides[k] = strides[(int) perm[k]];
        }
        return strided(x, dims, 0, stepStrides);
    }

    /** ReduceProd / ReduceSum over all axes of a vector (as in element counts), keepdims honoured. */
    private static Num reduceAll(Node n, List<Num> a) {
        Num x = a.get(0);
        long[] axes = axesOf(n, a, 1);
        if (x.rank() != 1
                || (axes != null && axes.length > 0 && !(axes.length == 1 && (axes[0] == 0 || axes[0] == -1)))) {
            return null;
        }
        double r = n.opType().equals("ReduceProd") ? 1 : 0;
        for (double v : x.v) {
            r = n.opType().equals("ReduceProd") ? r * v : r + v;
        }
        boolean keep = n.attrLong("keepdims", 1) != 0;
        return new Num(x.dtype, keep ? new long[] {1} : new long[0], new double[] {r});
    }
}
