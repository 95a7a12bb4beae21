package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    @Path("/session")
    static class Sessions {
        @GET
        @Path("{id}/prompts/{prompt_id}")
        public void prompt() {
        }

        @GET
        public void list() {
        }
    }

    @Path("")
    static class Root {
        @GET
        @Path("items/{id: [0-9]+}/")
        public void item() {
        }

        @GET
        public void index() {
        }
    }

    static String template(Class<?> type, String method) throws NoSuchMethodException {
        return RequestMetrics.template(type, type.getMethod(method));
    }

    @Test
    void routesAreTheDeclaredTemplatesNeverTheRequestedPaths() throws NoSuchMethodException {
        assertEquals("/session/{id}/prompts/{prompt_id}", template(Sessions.class, "prompt"));
        assertEquals("/session", template(Sessions.class, "list"));
    }

    @Test
    void regularExpressionsAndStraySlashesLeaveTheLabel() throws NoSuchMethodException {
        assertEquals("/items/{id}", template(Root.class, "item"));
        assertEquals("/", template(Root.class, "index"));
    }
}
