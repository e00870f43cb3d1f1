package org.eqvae4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepStagesTest {

    @Test
    void valuesFollowTheStagesAndTheLastOneContinues() {
        StepStages<Integer> s = StepStages.parse("64:1500, 192:500", "--crops", Integer::valueOf);
        assertEquals(64, s.valueAt(0));
        assertEquals(64, s.valueAt(1499));
        assertEquals(192, s.valueAt(1500));
        assertEquals(192, s.valueAt(1999));
        assertEquals(192, s.valueAt(5000), "past the stages the last value holds");
        assertEquals(1500, s.nextChangeAfter(0));
        assertEquals(1500, s.nextChangeAfter(1499));
        assertEquals(Long.MAX_VALUE, s.nextChangeAfter(1500));
        assertEquals(List.of(64, 192), s.values());
        assertEquals("64:1500,192:500", s.toString());
    }

    @Test
    void repeatedValuesAreSeparateStages() {
        StepStages<String> s = StepStages.parse("a:2,b:3,a:1", "--x", v -> v);
        assertEquals(
                List.of("a", "a", "b", "b", "b", "a", "a"),
                java.util.stream.LongStream.range(0, 7).mapToObj(s::valueAt).toList());
        assertEquals(2, s.nextChangeAfter(1));
        assertEquals(5, s.nextChangeAfter(2));
        assertEquals(List.of("a", "b"), s.values());
    }

    @Test
    void configJsonHoldsTheTextForm() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(
                "\"64:10,128:5\"",
                json.writeValueAsString(StepStages.parse("64:10,128:5", "--crops", Integer::valueOf)));
        assertEquals("\"\"", json.writeValueAsString(StepStages.none()));
    }

    @Test
    void badTextIsRefusedNamingTheOptionAndThePiece() {
        for (String bad : new String[] {"64", "64:", ":10", "64:x", "64:0", "64:10,,128:5", ""}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> StepStages.parse(bad, "--crops", Integer::valueOf), bad);
            assertTrue(e.getMessage().startsWith("--crops"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> StepStages.parse("big:10", "--crops", Integer::valueOf));
        assertTrue(e.getMessage().contains("'big:10'"), e.getMessage());
    }
}
