package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.prompt.control.PromptLedger.RunningPrompt;
import dev.rafiki.tool.control.ToolSpec;
import java.util.List;

/**
 * The tools a retryable prompt (a job's) runs with besides the workspace's. The job feature
 * provides them (artifacts, progress): it sits above the prompt feature, so the prompt feature
 * names what it needs here and never the job feature itself.
 */
public interface RetryableRunTools {

    /** The specs the model is shown: {@code others} and these tools'. */
    List<ToolSpec> specs(List<ToolSpec> others);

    /** The run's tools: these first, then {@code workspaceTools} for every other name. */
    AgentLoop.Tools tools(AgentLoop.Tools workspaceTools, RunningPrompt prompt, String worker);
}
