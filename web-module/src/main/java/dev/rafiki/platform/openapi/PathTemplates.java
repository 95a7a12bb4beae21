package dev.rafiki.platform.openapi;

import java.util.ArrayList;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * OpenAPI names a path parameter {@code {path}}; JAX-RS needs {@code {path: .+}} to let one span
 * several segments (a workspace file's path). The scanner copies the JAX-RS template as it is, so
 * the regular expressions are taken out of the document's paths here.
 */
public class PathTemplates implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        var paths = openAPI.getPaths();
        if (paths == null || paths.getPathItems() == null) {
            return;
        }
        for (var name : new ArrayList<>(paths.getPathItems().keySet())) {
            var plain = plain(name);
            if (!plain.equals(name)) {
                var item = paths.getPathItem(name);
                paths.removePathItem(name);
                paths.addPathItem(plain, item);
            }
        }
    }

    static String plain(String template) {
        return template.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
    }
}
