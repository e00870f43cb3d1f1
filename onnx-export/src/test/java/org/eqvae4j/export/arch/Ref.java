package org.eqvae4j.export.arch;

import java.util.Map;
import org.eqvae4j.export.graph.Tensor;

/**
 * Plain double-precision reference implementations (NCHW loops, written from the PyTorch module
 * definitions), to check the ONNX graphs numerically.
 */
final class Ref {
    private Ref() {}

    /** An NCHW tensor in doubles. */
    static final class T {
        final int n;
        final int c;
        final int h;
        final int w;
        final double[] d;

        T(int n, int c, int h, int w) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.d = new double[n * c * h * w];
        }

        static T of(Tensor t) {
            long[] s = t.dims();
            T r = new T((int) s[0], (int) s[1], (int) s[2], (int) s[3]);
            float[] f = t.toFloats();
            for (int i = 0; i < f.length; i++) {
                r.d[i] = f[i];
            }
            return r;
        }

        int idx(int b, int ch, int y, int x) {
            return ((b * c + ch) * h + y) * w + x;
        }

        double get(int b, int ch, int y, int x) {
            return d[idx(b, ch, y, x)];
        }

        float[] toFloats() {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }

        long[] dims() {
            return new long[] {n, c, h, w};
        }
    }

    /** Conv2d; weight [out, in, k, k]; pads top, left, bottom, right (zero padding). */
    static T conv(T x, float[] weight, float[] bias, int out, int k, int stride, int pt, int pl, int pb, int pr) {
        int oh = (x.h + pt + pb - k) / stride + 1;
        int ow = (x.w + pl + pr - k) / stride + 1;
        T y = new T(x.n, out, oh, ow);
        for (int b = 0; b < x.n; b++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < x.c; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                int yy = i * stride + ky - pt;
                                if (yy < 0 || yy >= x.h) {
                                    continue;
                                }
                                for (int kx = 0; kx < k; kx++) {
                                    int xx = j * stride + kx - pl;
                                    if (xx < 0 || xx >= x.w) {
                                        continue;
                                    }
                                    s += weight[((o * x.c + ci) * k + ky) * k + kx] * x.get(b, ci, yy, xx);
                                }
                            }
                        }
                        y.d[y.idx(b, o, i, j)] = s;
                    }
                }
            }
        }
        return y;
    }

    static T groupNorm(T x, int groups, float[] gamma, float[] beta, double eps) {
        T y = new T(x.n, x.c, x.h, x.w);
        int per = x.c / groups;
        for (int b = 0; b < x.n; b++) {
            for (int g = 0; g < groups; g++) {
                double sum = 0;
                int count = per * x.h * x.w;
                for (int ch = g * per; ch < (g + 1) * per; ch++) {
                    for (int i = 0; i < x.h * x.w; i++) {
                        sum += x.d[x.idx(b, ch, 0, 0) + i];
                    }
                }
                double mean = sum / count;
                double sq = 0;
                for (int ch = g * per; ch < (g + 1) * per; ch++) {
                    for (int i = 0; i < x.h * x.w; i++) {
                        double dv = x.d[x.idx(b, ch, 0, 0) + i] - mean;
                        sq += dv * dv;
                    }
                }
                double inv = 1 / Math.sqrt(sq / count + eps);
                for (int ch = g * per; ch < (g + 1) * per; ch++) {
                    for (int i = 0; i < x.h * x.w; i++) {
                        int at = x.idx(b, ch, 0, 0) + i;
                        y.d[at] = (x.d[at] - mean) * inv * gamma[ch] + beta[ch];
                    }
                }
            }
        }
        return y;
    }

    static T silu(T x) {
        T y = new T(x.n, x.c, x.h, x.w);
        for (int i = 0; i < x.d.length; i++) {
            y.d[i] = x.d[i] / (1 + Math.exp(-x.d[i]));
        }
        return y;
    }

    static T add(T a, T b) {
        T y = new T(a.n, a.c, a.h, a.w);
        for (int i = 0; i < a.d.length; i++) {
            y.d[i] = a.d[i] + b.d[i];
        }
        return y;
    }

    static T upsampleNearest2x(T x) {
        T y = new T(x.n, x.c, 2 * x.h, 2 * x.w);
        for (int b = 0; b < x.n; b++) {
            for (int ch = 0; ch < x.c; ch++) {
                for (int i = 0; i < y.h; i++) {
                    for (int j = 0; j < y.w; j++) {
                        y.d[y.idx(b, ch, i, j)] = x.get(b, ch, i / 2, j / 2);
                    }
                }
            }
        }
        return y;
    }

    /** Channels [from, from + count) of x. */
    static T channels(T x, int from, int count) {
        T y = new T(x.n, count, x.h, x.w);
        int plane = x.h * x.w;
        for (int b = 0; b < x.n; b++) {
            System.arraycopy(x.d, x.idx(b, from, 0, 0), y.d, y.idx(b, 0, 0, 0), count * plane);
        }
        return y;
    }

    // ------------------------------------------------------------------ LDM AutoencoderKL, from model.py

    /** The reference's view of a state dict: float values by LDM name. */
    record Sd(Map<String, Tensor> map) {
        float[] f(String name) {
            Tensor t = map.get(name);
            if (t == null) {
                throw new AssertionError("reference: no " + name);
            }
            return t.toFloats();
        }
    }

    static T conv(Sd sd, String name, T x, int out, int k, int stride, int pt, int pl, int pb, int pr) {
        return conv(x, sd.f(name + ".weight"), sd.f(name + ".bias"), out, k, stride, pt, pl, pb, pr);
    }

    static T conv3(Sd sd, String name, T x, int out) {
        return conv(sd, name, x, out, 3, 1, 1, 1, 1, 1);
    }

    static T conv1(Sd sd, String name, T x, int out) {
        return conv(sd, name, x, out, 1, 1, 0, 0, 0, 0);
    }

    static T norm(Sd sd, String name, T x, int groups) {
        return groupNorm(x, groups, sd.f(name + ".weight"), sd.f(name + ".bias"), 1e-6);
    }

    static T resnet(Sd sd, KlVaeConfig cfg, String name, T x, int out) {
        T h = silu(norm(sd, name + ".norm1", x, cfg.normGroups()));
        h = conv3(sd, name + ".conv1", h, out);
        h = silu(norm(sd, name + ".norm2", h, cfg.normGroups()));
        h = conv3(sd, name + ".conv2", h, out);
        T shortcut = x.c == out ? x : conv1(sd, name + ".nin_shortcut", x, out);
        return add(shortcut, h);
    }

    /** AttnBlock as LDM writes it: bmm(q^T, k) * c^-0.5, softmax over keys, bmm(v, w^T). */
    static T attn(Sd sd, String name, T x, int groups) {
        int c = x.c;
        int hw = x.h * x.w;
        T hn = norm(sd, name + ".norm", x, groups);
        T q = conv1(sd, name + ".q", hn, c);
        T k = conv1(sd, name + ".k", hn, c);
        T v = conv1(sd, name + ".v", hn, c);
        T o = new T(x.n, c, x.h, x.w);
        double scale = 1 / Math.sqrt(c);
        for (int b = 0; b < x.n; b++) {
            for (int i = 0; i < hw; i++) {
                double[] wts = new double[hw];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < hw; j++) {
                    double s = 0;
                    for (int ch = 0; ch < c; ch++) {
                        s += q.d[q.idx(b, ch, 0, 0) + i] * k.d[k.idx(b, ch, 0, 0) + j];
                    }
                    wts[j] = s * scale;
                    max = Math.max(max, wts[j]);
                }
                double z = 0;
                for (int j = 0; j < hw; j++) {
                    wts[j] = Math.exp(wts[j] - max);
                    z += wts[j];
                }
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int j = 0; j < hw; j++) {
                        s += v.d[v.idx(b, ch, 0, 0) + j] * wts[j] / z;
                    }
                    o.d[o.idx(b, ch, 0, 0) + i] = s;
                }
            }
        }
        return add(x, conv1(sd, name + ".proj_out", o, c));
    }

    /** Encoder + quant_conv; returns {mean, clamped logvar}. */
    static T[] encode(Sd sd, KlVaeConfig cfg, T x) {
        int levels = cfg.chMult().size();
        int g = cfg.normGroups();
        T h = conv3(sd, "encoder.conv_in", x, cfg.ch());
        for (int i = 0; i < levels; i++) {
            for (int j = 0; j < cfg.numResBlocks(); j++) {
                h = resnet(
                        sd,
                        cfg,
                        "encoder.down." + i + ".block." + j,
                        h,
                        cfg.ch() * cfg.chMult().get(i));
                if (cfg.attnLevels().contains(i)) {
                    h = attn(sd, "encoder.down." + i + ".attn." + j, h, g);
                }
            }
            if (i != levels - 1) {
                // torch.nn.functional.pad(x, (0, 1, 0, 1)) then conv(k3, s2, p0)
                h = conv(sd, "encoder.down." + i + ".downsample.conv", h, h.c, 3, 2, 0, 0, 1, 1);
            }
        }
        h = resnet(sd, cfg, "encoder.mid.block_1", h, h.c);
        h = attn(sd, "encoder.mid.attn_1", h, g);
        h = resnet(sd, cfg, "encoder.mid.block_2", h, h.c);
        h = silu(norm(sd, "encoder.norm_out", h, g));
        h = conv3(sd, "encoder.conv_out", h, 2 * cfg.zChannels());
        h = conv1(sd, "quant_conv", h, 2 * cfg.embedDim());
        T mean = channels(h, 0, cfg.embedDim());
        T logvar = channels(h, cfg.embedDim(), cfg.embedDim());
        for (int i = 0; i < logvar.d.length; i++) {
            logvar.d[i] = Math.max(-30, Math.min(20, logvar.d[i]));
        }
        return new T[] {mean, logvar};
    }

    /** post_quant_conv + decoder. */
    static T decode(Sd sd, KlVaeConfig cfg, T z) {
        int levels = cfg.chMult().size();
        int g = cfg.normGroups();
        T h = conv1(sd, "post_quant_conv", z, cfg.zChannels());
        h = conv3(sd, "decoder.conv_in", h, cfg.ch() * cfg.chMult().get(levels - 1));
        h = resnet(sd, cfg, "decoder.mid.block_1", h, h.c);
        h = attn(sd, "decoder.mid.attn_1", h, g);
        h = resnet(sd, cfg, "decoder.mid.block_2", h, h.c);
        for (int i = levels - 1; i >= 0; i--) {
            for (int j = 0; j <= cfg.numResBlocks(); j++) {
                h = resnet(
                        sd,
                        cfg,
                        "decoder.up." + i + ".block." + j,
                        h,
                        cfg.ch() * cfg.chMult().get(i));
                if (cfg.attnLevels().contains(i)) {
                    h = attn(sd, "decoder.up." + i + ".attn." + j, h, g);
                }
            }
            if (i != 0) {
                h = conv3(sd, "decoder.up." + i + ".upsample.conv", upsampleNearest2x(h), h.c);
            }
        }
        h = silu(norm(sd, "decoder.norm_out", h, g));
        return conv3(sd, "decoder.conv_out", h, cfg.outChannels());
    }

    /** Max |a - b| relative to max(1, max |b|). */
    static double relErr(float[] a, float[] b) {
        double m = 0;
        double scale = 1;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        return m / scale;
    }
}
