package dev.rafiki.platform.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ApiDocumentTest {

    @Test
    void regularExpressionsLeaveTheTemplates() {
        assertEquals("/session/{id}/files/{path}", ApiDocument.plain("/session/{id}/files/{path: .+}"));
        assertEquals("/signed/session/{id}/files/{path}", ApiDocument.plain("/signed/session/{id}/files/{path:.+}"));
        assertEquals("/jobs/{id}/artifacts/{name}", ApiDocument.plain("/jobs/{id}/artifacts/{name}"));
    }
}
