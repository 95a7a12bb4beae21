package dev.rafiki.job.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.model.ToolSpec;
import dev.rafiki.prompt.control.PromptLedger.RunningPrompt;
import dev.rafiki.tool.control.ToolRuntime;
import dev.rafiki.workspace.control.Workspaces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Equips a job's run with the job tools. */
@ApplicationScoped
public class JobRuns {

    @Inject
    ArtifactStore store;

    @Inject
    JobProgress progress;

    @Inject
    Workspaces workspaces;

    @Inject
    ToolRuntime toolRuntime;

    @Inject
    @ConfigProperty(name = "rafiki.artifacts.max-bytes", defaultValue = "67108864")
    long maxArtifactBytes;

    /** The workspace tools offered here, and the job tools. */
    public List<ToolSpec> specs() {
        var specs = new ArrayList<>(toolRuntime.specs());
        specs.addAll(JobTools.SPECS);
        return specs;
    }

    public AgentLoop.Tools tools(AgentLoop.Tools workspaceTools, RunningPrompt prompt, String worker) {
        return new JobTools(workspaceTools, workspaces.of(prompt.sessionId()), store, progress,
                new ArtifactStore.Run(prompt.id(), prompt.sessionId(), prompt.owner(), worker, prompt.attempt()),
                maxArtifactBytes);
    }
}
