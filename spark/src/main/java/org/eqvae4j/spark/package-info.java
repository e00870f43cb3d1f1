/**
 * eqvae4j on Apache Spark: Spark ML Transformers ({@code EqvaeEncode}, {@code EqvaeDecode}, {@code EqvaeRoundTrip})
 * over {@code binaryFile} rows with an {@code error} column, one model per executor JVM ({@code ExecutorModels}, the
 * bundle's bytes broadcast by {@code BundleBytes} or read from shared storage), the folder job behind
 * {@code eqvae spark} ({@code SparkBatch}: batch's output names, skip finished files, or one Parquet table) and the
 * throughput benchmark ({@code SparkBenchmark}).
 */
package org.eqvae4j.spark;
