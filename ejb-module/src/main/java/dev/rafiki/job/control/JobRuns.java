package dev.rafiki.job.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.prompt.control.PromptLedger.RunningPrompt;
import dev.rafiki.prompt.control.RetryableRunTools;
import dev.rafiki.tool.control.JobToolSpecs;
import dev.rafiki.tool.control.ToolSpec;
import dev.rafiki.workspace.control.Workspaces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** Equips a job's run with the job tools. */
@ApplicationScoped
public class JobRuns implements RetryableRunTools {

    @Inject
    ArtifactStore store;

    @Inject
    JobProgress progress;

    @Inject
    Workspaces workspaces;

    @Inject
    JobSettings settings;

    @Override
    public List<ToolSpec> specs(List<ToolSpec> others) {
        var specs = new ArrayList<>(others);
        specs.addAll(JobToolSpecs.SPECS);
        return specs;
    }

    @Override
    public AgentLoop.Tools tools(AgentLoop.Tools workspaceTools, RunningPrompt prompt, String worker) {
        return new JobTools(workspaceTools, workspaces.onDemand(prompt.sessionId()), store, progress,
                new ArtifactStore.Run(prompt.id(), prompt.sessionId(), prompt.owner(), worker, prompt.attempt()),
                settings.maxArtifactBytes);
    }
}
