package dev.rafiki.platform.openapi;

import java.util.ArrayList;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;

/**
 * The OpenAPI document as the scanner leaves it, finished in two steps:
 * <ul>
 * <li>OpenAPI names a path parameter {@code {path}}; JAX-RS needs {@code {path: .+}} to let one
 * span several segments (a workspace file's path). The scanner copies the JAX-RS template as it
 * is, so the regular expressions are taken out of the document's paths.</li>
 * <li>The answers every route may give (a rate limit, a server error) and every route behind a
 * token (401, 403) are declared here once, for every operation, instead of on each resource
 * (where Payara also drops a class's responses from a method that declares only one).</li>
 * </ul>
 */
public class ApiDocument implements OASFilter {

    /** Signed links carry their own proof instead of a token; their 403 is a bad link, declared on them. */
    static final String SIGNED = "/signed/";

    static final Map<String, String> EVERY_ROUTE = Map.of("429", "TooManyRequests", "500", "ServerError");
    static final Map<String, String> BEHIND_A_TOKEN = Map.of("401", "Unauthorized", "403", "Forbidden");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        var paths = openAPI.getPaths();
        if (paths == null || paths.getPathItems() == null) {
            return;
        }
        for (var name : new ArrayList<>(paths.getPathItems().keySet())) {
            var item = paths.getPathItem(name);
            var plain = plain(name);
            if (!plain.equals(name)) {
                paths.removePathItem(name);
                paths.addPathItem(plain, item);
            }
            for (var operation : item.getOperations().values()) {
                declare(operation, EVERY_ROUTE);
                if (!plain.startsWith(SIGNED)) {
                    declare(operation, BEHIND_A_TOKEN);
                }
            }
        }
    }

    private static void declare(Operation operation, Map<String, String> responses) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        responses.forEach((status, component) -> {
            if (!operation.getResponses().hasAPIResponse(status)) {
                operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().ref(component));
            }
        });
    }

    static String plain(String template) {
        return template.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
    }
}
