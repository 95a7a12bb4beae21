package dev.rafiki.tool.control;

import java.util.List;

/**
 * How the job tools (run by the job feature) are offered to a model: with the workspace tools,
 * the catalogue of built-in tools an agent profile may name, so it lives beside them.
 */
public final class JobToolSpecs {

    public static final List<ToolSpec> SPECS = List.of(
            new ToolSpec("save_artifact", "Save a result file of this job so the client can download it. Give either "
                    + "'path' (a file of the workspace) or 'content' (text). Saving the same name again replaces it.",
                    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":"
                            + "\"download name: letters, digits, '.', '_', '-'\"},\"path\":{\"type\":\"string\"},"
                            + "\"content\":{\"type\":\"string\"},\"content_type\":{\"type\":\"string\"}},"
                            + "\"required\":[\"name\"]}"),
            new ToolSpec("report_progress", "Tell the client how far the job is.",
                    "{\"type\":\"object\",\"properties\":{\"percent\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100},"
                            + "\"message\":{\"type\":\"string\"}},\"required\":[\"percent\"]}"));

    private JobToolSpecs() {
    }
}
