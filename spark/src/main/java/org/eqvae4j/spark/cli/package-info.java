/**
 * The {@code eqvae spark} and {@code eqvae bench-spark} commands, run by the launcher in their own JVM on the spark
 * module's classpath so that Spark's jars never enter the main command line's.
 */
package org.eqvae4j.spark.cli;
