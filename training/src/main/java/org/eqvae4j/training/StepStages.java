package org.eqvae4j.training;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A setting that changes over a run in stages, written {@code VALUE:STEPS,VALUE:STEPS,...} (e.g. the phases
 * {@code encoder:1500,decoder:500} or the crop sizes {@code 64:1500,192:500}): the first stage's value holds for its
 * steps, then the next's; after the last stage's steps its value continues, so a run given more steps than the stages
 * add up to keeps the last value. A pure function of the step, so a resumed run is in the same stage as an
 * uninterrupted one. In config.json it is its text form; no stages ({@link #none}) is the empty text.
 *
 * @param stages the stages in order
 * @param <T>    the value's type
 */
public record StepStages<T>(List<Stage<T>> stages) {

    /**
     * One stage.
     *
     * @param value what holds during the stage
     * @param steps optimizer steps it lasts (>= 1)
     */
    public record Stage<T>(T value, long steps) {
        public Stage {
            if (value == null) {
                throw new IllegalArgumentException("a stage needs a value");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("a stage lasts at least 1 step, got " + steps + " for " + value);
            }
        }
    }

    public StepStages {
        stages = List.copyOf(stages);
    }

    /** No stages: the setting's plain value holds for the whole run. */
    public static <T> StepStages<T> none() {
        return new StepStages<>(List.of());
    }

    /**
     * Parses {@code VALUE:STEPS,...}; {@code value} parses one value and throws IllegalArgumentException for a bad
     * one. Messages name {@code option} and the offending piece.
     */
    public static <T> StepStages<T> parse(String text, String option, Function<String, T> value) {
        List<Stage<T>> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(option + " is empty; write VALUE:STEPS,VALUE:STEPS,...");
        }
        for (String piece : text.split(",", -1)) {
            String p = piece.trim();
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException(
                        option + ": '" + p + "' is not VALUE:STEPS (e.g. " + option + " a:100,b:50)");
            }
            long steps;
            try {
                steps = Long.parseLong(p.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": the steps of '" + p + "' are not a whole number", e);
            }
            if (steps < 1) {
                throw new IllegalArgumentException(option + ": '" + p + "' must last at least 1 step");
            }
            T v;
            try {
                v = value.apply(p.substring(0, colon).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": '" + p + "': " + e.getMessage(), e);
            }
            out.add(new Stage<>(v, steps));
        }
        return new StepStages<>(out);
    }

    public boolean isEmpty() {
        return stages.isEmpty();
    }

    /** The stage index of optimizer step {@code step} (0-based); the last stage continues past its end. */
    public int stageAt(long step) {
        requireStages();
        long end = 0;
        for (int i = 0; i < stages.size(); i++) {
            end += stages.get(i).steps();
            if (step < end) {
                return i;
            }
        }
        return stages.size() - 1;
    }

    /** The value at optimizer step {@code step} (0-based). */
    public T valueAt(long step) {
        return stages.get(stageAt(step)).value();
    }

    /**
     * The first step after {@code step} (0-based) at which another stage begins, or {@code Long.MAX_VALUE} when
     * {@code step} is in the last stage.
     */
    public long nextChangeAfter(long step) {
        requireStages();
        int i = stageAt(step);
        if (i == stages.size() - 1) {
            return Long.MAX_VALUE;
        }
        long end = 0;
        for (int k = 0; k <= i; k++) {
            end += stages.get(k).steps();
        }
        return end;
    }

    /** The distinct values, in order of first appearance. */
    public List<T> values() {
        return stages.stream().map(Stage::value).distinct().toList();
    }

    private void requireStages() {
        if (stages.isEmpty()) {
            throw new IllegalStateException("no stages");
        }
    }

    /** The text form, {@code VALUE:STEPS,...} (values as {@code toString}, lower case), as config.json keeps it. */
    @JsonValue
    @Override
    public String toString() {
        return stages.stream()
                .map(s -> s.value().toString().toLowerCase(Locale.ROOT) + ":" + s.steps())
                .collect(Collectors.joining(","));
    }
}
