package dev.rafiki.budget.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rafiki.budget.control.BudgetWindow;
import dev.rafiki.platform.problem.ApiException;
import dev.rafiki.platform.problem.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class BudgetsResourceTest {

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    static void refused(String body) {
        var e = assertThrows(ApiException.class, () -> BudgetsResource.limits(json(body)), body);
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code(), body);
    }

    @Test
    void aBudgetHasAWindowAndAtLeastOneLimit() {
        var limits = BudgetsResource.limits(json("{\"window\":\"month\",\"max_tool_seconds\":0}"));
        assertEquals(BudgetWindow.MONTH, limits.window());
        assertNull(limits.maxTokens());
        assertEquals(0L, limits.maxToolSeconds());
        assertEquals(5000L, BudgetsResource.limits(json("{\"window\":\"day\",\"max_tokens\":5e3}")).maxTokens());
    }

    @Test
    void badBudgetsAreValidationFailures() {
        refused("{\"max_tokens\":10}");
        refused("{\"window\":\"week\",\"max_tokens\":10}");
        refused("{\"window\":\"Day\",\"max_tokens\":10}");
        refused("{\"window\":\"day\"}");
        refused("{\"window\":\"day\",\"max_tokens\":-1}");
        refused("{\"window\":\"day\",\"max_tool_seconds\":1.5}");
        refused("{\"window\":\"day\",\"max_tokens\":\"10\"}");
        refused("{\"window\":\"day\",\"max_tokens\":9223372036854775808}");
        refused("{\"window\":1,\"max_tokens\":10}");
    }
}
