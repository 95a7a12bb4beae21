package dev.rafiki.job.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.model.ToolSpec;
import dev.rafiki.prompt.control.PromptLedger.RunningPrompt;
import dev.rafiki.tool.control.WorkspaceTools;
import dev.rafiki.workspace.control.Workspaces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Equips a job's run with the job tools. */
@ApplicationScoped
public class JobRuns {

    private static final List<ToolSpec> SPECS;

    static {
        var specs = new ArrayList<>(WorkspaceTools.SPECS);
        specs.addAll(JobTools.SPECS);
        SPECS = List.copyOf(specs);
    }

    @Inject
    ArtifactStore store;

    @Inject
    JobProgress progress;

    @Inject
    Workspaces workspaces;

    @Inject
    @ConfigProperty(name = "rafiki.artifacts.max-bytes", defaultValue = "67108864")
    long maxArtifactBytes;

    public List<ToolSpec> specs() {
        return SPECS;
    }

    public AgentLoop.Tools tools(AgentLoop.Tools workspaceTools, RunningPrompt prompt, String worker) {
        return new JobTools(workspaceTools, workspaces.of(prompt.sessionId()), store, progress,
                new ArtifactStore.Run(prompt.id(), prompt.sessionId(), prompt.owner(), worker, prompt.attempt()),
                maxArtifactBytes);
    }
}
