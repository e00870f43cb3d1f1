package org.eqvae4j.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * A partition function applying an {@link ImageOperation} row by row. The executor's model is taken on the first
 * row that asks for it (an empty partition opens nothing); a model that does not open fails the task, since that
 * is not a bad image.
 */
abstract class StepFunction implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** What the step is made of: the operation and its settings, and where the model comes from. */
    record Steps(ImageOperation operation, ModelSource model, String intensity, boolean ignoreBundleId)
            implements Serializable {
        ImageOperation.Step open() {
            return operation.step(ExecutorModels.codec(model), intensity, ignoreBundleId);
        }
    }

    final Steps steps;

    StepFunction(Steps steps) {
        this.steps = steps;
    }

    /** One output row for an input row; {@code step} opens the model on first use. */
    abstract Row apply(Row row, Supplier<ImageOperation.Step> step);

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ImageOperation.Step[] opened = new ImageOperation.Step[1];
        Supplier<ImageOperation.Step> step = () -> opened[0] != null ? opened[0] : (opened[0] = steps.open());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                return apply(rows.next(), step);
            }
        };
    }
}
