package org.eqvae4j.spark;

import java.net.URI;
import java.nio.file.Path;

/** Paths as Spark's binaryFile source gives them (Hadoop URIs such as {@code file:/data/a.png}). */
final class SparkPaths {
    private SparkPaths() {}

    /** The local path of a {@code file:} (or scheme-less) URI, or null for other file systems (hdfs:, s3a:, ...). */
    static Path local(String sparkPath) {
        URI uri = new org.apache.hadoop.fs.Path(sparkPath).toUri();
        return uri.getScheme() == null || uri.getScheme().equals("file") ? Path.of(uri.getPath()) : null;
    }

    /** How messages name the file: its local path, or the URI on other file systems. */
    static String display(String sparkPath) {
        Path p = local(sparkPath);
        return p != null ? p.toString() : sparkPath;
    }

    /** A failure message that names the file once, as batch's do. */
    static String error(String name, Throwable e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        return msg.contains(name) ? msg : name + ": " + msg;
    }
}
