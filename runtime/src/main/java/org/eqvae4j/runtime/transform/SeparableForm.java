package org.eqvae4j.runtime.transform;

import java.util.List;
import org.eqvae4j.runtime.tensor.FloatTensor;

/**
 * Every {@link LatentTransform} is separable: out = L · P(x) · R per channel, where P is the identity
 * or a transpose of the last two axes and L, R are fixed matrices (resampling weights, reversals,
 * selections). Training graphs take L, R and the transpose flag as inputs, so one graph applies any
 * transform by MatMul, with gradients that ONNX Runtime runs on every provider; the matrices come
 * from {@link Resampler} and the step definitions here, so graph and runtime cannot disagree.
 *
 * @param left      [outH][rows of P(x)]
 * @param right     [cols of P(x)][outW]
 * @param transpose whether P swaps height and width
 */
public record SeparableForm(double[][] left, double[][] right, boolean transpose) {

    public int outHeight() {
        return left.length;
    }

    public int outWidth() {
        return right[0].length;
    }

    /** The separable form of {@code t} for an input of h x w. */
    public static SeparableForm of(LatentTransform t, int h, int w) {
        SeparableForm f = new SeparableForm(identity(h), identity(w), false);
        for (LatentTransform step : steps(t)) {
            f = f.then(step);
        }
        return f;
    }

    private static List<LatentTransform> steps(LatentTransform t) {
        return t instanceof LatentTransform.Composite c ? c.steps() : List.of(t);
    }

    private SeparableForm then(LatentTransform step) {
        int h = outHeight();
        int w = outWidth();
        if (step instanceof LatentTransform.Scale s) {
            FloatTensor probe = FloatTensor.zeros(1, 1, h, w);
            // the size rule lives in Scale.apply; take the output size from it
            FloatTensor sized = s.apply(probe);
            double[][] mh = Resampler.matrix(h, sized.height(), (double) h / sized.height(), s.mode());
            double[][] mw = Resampler.matrix(w, sized.width(), (double) w / sized.width(), s.mode());
            return new SeparableForm(mul(mh, left), mul(right, transpose(mw)), transpose);
        }
        if (step instanceof LatentTransform.Rotate90 r) {
            SeparableForm f = this;
            for (int i = 0; i < Math.floorMod(r.k(), 4); i++) {
                // clockwise quarter turn: out' = out^T J = R^T P(x)^T L^T J
                f = new SeparableForm(
                        transpose(f.right), mul(transpose(f.left), reversal(f.outHeight())), !f.transpose);
            }
            return f;
        }
        if (step instanceof LatentTransform.Flip fl) {
            return fl.horizontal()
                    ? new SeparableForm(left, mul(right, reversal(w)), transpose)
                    : new SeparableForm(mul(reversal(h), left), right, transpose);
        }
        if (step instanceof LatentTransform.Crop c) {
            if (c.y() + c.height() > h || c.x() + c.width() > w) {
                throw new IllegalArgumentException("crop " + c.height() + "x" + c.width() + " at (" + c.y() + ","
                        + c.x() + ") lies outside the " + h + "x" + w + " input");
            }
            return new SeparableForm(
                    mul(selection(c.y(), c.height(), h), left),
                    mul(right, transpose(selection(c.x(), c.width(), w))),
                    transpose);
        }
        throw new IllegalArgumentException("no separable form for " + step);
    }

    /** Applies the form directly (for tests and as a reference). */
    public FloatTensor apply(FloatTensor x) {
        int inRows = transpose ? x.width() : x.height();
        int inCols = transpose ? x.height() : x.width();
        if (left[0].length != inRows || right.length != inCols) {
            throw new IllegalArgumentException("form for " + left[0].length + "x" + right.length + " applied to " + x);
        }
        int oh = outHeight();
        int ow = outWidth();
        int planes = x.batch() * x.channels();
        float[] out = new float[planes * oh * ow];
        double[][] p = new double[inRows][inCols];
        for (int pl = 0; pl < planes; pl++) {
            for (int y = 0; y < x.height(); y++) {
                for (int xx = 0; xx < x.width(); xx++) {
                    double v = x.data()[(pl * x.height() + y) * x.width() + xx];
                    if (transpose) {
                        p[xx][y] = v;
                    } else {
                        p[y][xx] = v;
                    }
                }
            }
            double[][] r = mul(mul(left, p), right);
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    out[(pl * oh + y) * ow + xx] = (float) r[y][xx];
                }
            }
        }
        return new FloatTensor(x.batch(), x.channels(), oh, ow, out);
    }

    /** Row-major float32 copy of a matrix, the layout graph inputs take. */
    public static float[] toFloats(double[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                f[i * m[0].length + j] = (float) m[i][j];
            }
        }
        return f;
    }

    static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static double[][] reversal(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][n - 1 - i] = 1;
        }
        return m;
    }

    /** [size][n] picking rows start..start+size-1. */
    private static double[][] selection(int start, int size, int n) {
        double[][] m = new double[size][n];
        for (int i = 0; i < size; i++) {
            m[i][start + i] = 1;
        }
        return m;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        if (a[0].length != b.length) {
            throw new IllegalArgumentException(
                    "matrix sizes " + a.length + "x" + a[0].length + " and " + b.length + "x" + b[0].length);
        }
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                double v = a[i][k];
                if (v == 0) {
                    continue;
                }
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += v * b[k][j];
                }
            }
        }
        return c;
    }
}
