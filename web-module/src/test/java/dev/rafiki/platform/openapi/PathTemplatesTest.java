package dev.rafiki.platform.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PathTemplatesTest {

    @Test
    void regularExpressionsLeaveTheTemplates() {
        assertEquals("/session/{id}/files/{path}", PathTemplates.plain("/session/{id}/files/{path: .+}"));
        assertEquals("/signed/session/{id}/files/{path}", PathTemplates.plain("/signed/session/{id}/files/{path:.+}"));
        assertEquals("/jobs/{id}/artifacts/{name}", PathTemplates.plain("/jobs/{id}/artifacts/{name}"));
    }
}
