package org.eqvae4j.training.eqvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.eqvae4j.training.RunSchedule;
import org.junit.jupiter.api.Test;

/** The recipe options as config.json records them (what a resume compares) and as the run reads them. */
class EqVaeTrainConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static EqVaeTrainConfig reference(long steps) {
        return TestConfigs.taef2(steps, 1e-4f, 10, true);
    }

    private static JsonNode json(EqVaeTrainConfig c) throws Exception {
        return JSON.readTree(JSON.writeValueAsBytes(c));
    }

    @Test
    void theDefaultsAreTodaysRecipe() throws Exception {
        EqVaeTrainConfig c = reference(100);
        assertEquals(TauSampler.Scales.grid(), c.scales());
        assertEquals(RunSchedule.Decay.NONE, c.run().decay());
        JsonNode n = json(c);
        assertTrue(n.get("scales").isArray() && n.get("scales").isEmpty(), n.toString());
        assertEquals("CONSTANT", n.get("lrSchedule").asText());
        assertFalse(n.has("cosineSteps"), "no cosine, no recorded length: " + n);
        assertFalse(n.has("recipeOptions"), "the options sit beside the other settings: " + n);
    }

    @Test
    void eachOptionIsASettingOfItsOwnInConfigJson() throws Exception {
        EqVaeTrainConfig c = TestConfigs.taef2(
                100,
                1e-4f,
                10,
                true,
                EqVaeTrainConfig.RecipeOptions.DEFAULT
                        .withScales(List.of(0.25, 0.5, 0.75))
                        .withLrSchedule(EqVaeTrainConfig.RecipeOptions.LrSchedule.COSINE, 1e-5f));
        JsonNode n = json(c);
        assertEquals("[0.25,0.5,0.75]", n.get("scales").toString());
        assertEquals("COSINE", n.get("lrSchedule").asText());
        assertEquals(1e-5, n.get("lrMin").asDouble(), 1e-12);
        assertEquals(100, n.get("cosineSteps").asLong());
        assertEquals(TauSampler.Scales.set(List.of(0.25, 0.5, 0.75)), c.scales());
        assertEquals(
                TauSampler.Scales.set(List.of(0.25, 0.5, 0.75)),
                c.recipe().sampler().scales());
        RunSchedule s = c.run();
        assertEquals(RunSchedule.Decay.WARMUP_COSINE, s.decay());
        assertEquals(1e-5f, s.minLearningRate());
        assertEquals(1e-4f, s.learningRateAt(0), 1e-10f); // no warm-up: the cosine starts at the full rate
    }

    @Test
    void conflictingOptionsAreRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TestConfigs.taef2(
                        10, 1e-4f, 10, false, EqVaeTrainConfig.RecipeOptions.DEFAULT.withScales(List.of(0.5))));
        assertTrue(e.getMessage().contains("U(0.25, 1)"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> EqVaeTrainConfig.RecipeOptions.DEFAULT.withLrSchedule(
                        EqVaeTrainConfig.RecipeOptions.LrSchedule.CONSTANT, 1e-5f));
    }
}
