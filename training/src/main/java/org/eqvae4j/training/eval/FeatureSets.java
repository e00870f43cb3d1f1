package org.eqvae4j.training.eval;

/** Checks shared by the measures that compare two feature sets (rows are samples, columns features). */
final class FeatureSets {
    private FeatureSets() {}

    /** The feature count of two sets, after checking each has {@code minRows} finite rows of one width. */
    static int checkPair(double[][] a, double[][] b, int minRows, String measure) {
        int da = check(a, minRows, measure + ", first set");
        int db = check(b, minRows, measure + ", second set");
        if (da != db) {
            throw new IllegalArgumentException(measure + ": feature sets differ in size: " + da + " vs " + db);
        }
        return da;
    }

    static int check(double[][] x, int minRows, String what) {
        if (x.length < minRows) {
            throw new IllegalArgumentException(what + ": needs at least " + minRows + " samples, got " + x.length);
        }
        int d = x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException(what + ": samples have no features");
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException(
                        what + ": sample " + i + " has " + x[i].length + " features, sample 0 has " + d);
            }
            for (double v : x[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(what + ": sample " + i + " has a feature " + v);
                }
            }
        }
        return d;
    }
}
