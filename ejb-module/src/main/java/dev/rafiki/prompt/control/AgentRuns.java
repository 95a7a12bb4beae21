package dev.rafiki.prompt.control;

import dev.rafiki.agent.control.AgentLoop;
import dev.rafiki.agent.control.AgentSettings;
import dev.rafiki.agent.control.ApprovalRules;
import dev.rafiki.agent.control.ContextWindow;
import dev.rafiki.agent.control.ModelCatalog;
import dev.rafiki.agent.control.OutputSchema;
import dev.rafiki.agent.model.ModelException;
import dev.rafiki.agent.model.ModelProvider;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.agent.model.WireToolNames;
import dev.rafiki.platform.tracing.Tracing;
import dev.rafiki.profile.control.ProfileSpec;
import dev.rafiki.tool.control.ToolResult;
import dev.rafiki.tool.control.ToolSpec;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** How a prompt's agent loop is set up, the same whichever path runs it. */
@ApplicationScoped
public class AgentRuns {

    @Inject
    AgentSettings agent;

    @Inject
    PromptSettings settings;

    @Inject
    Tracing tracing;

    @Inject
    dev.rafiki.budget.control.BudgetRules budgets;

    /**
     * The loop as the prompt's agent profile shapes it: its instructions as the system prompt,
     * only the tools it allows offered (and a call to another refused, not run), its limits where
     * they are lower than the operator's; and stopped before a model turn once a budget of its user
     * or its profile ({@code agentId}, null for none) is spent. Tool calls its approval rules name
     * pause the run until a person decides.
     */
    public AgentLoop loop(ModelCatalog.Resolved model, List<ToolSpec> specs, AgentLoop.Tools tools, ProfileSpec profile,
                          String owner, java.util.UUID agentId) {
        return loop(model, specs, tools, profile, owner, agentId, null, null);
    }

    /**
     * @param outputSchema the schema the prompt's request gave (JSON text), which wins over the
     *                     profile's; null: the profile's, if it has one
     * @param approval     the approval rules the prompt's request gave (JSON text), which can only
     *                     make more calls wait than the profile's; null: the profile's alone
     */
    public AgentLoop loop(ModelCatalog.Resolved model, List<ToolSpec> specs, AgentLoop.Tools tools, ProfileSpec profile,
                          String owner, java.util.UUID agentId, String outputSchema, String approval) {
        var schema = outputSchema != null ? OutputSchema.of(ProfileSpec.parseObject(outputSchema))
                : profile.outputSchema() != null ? OutputSchema.of(profile.outputSchema()) : null;
        var offered = specs.stream().filter(spec -> profile.allows(spec.name())).toList();
        var instructions = profile.instructions() == null || profile.instructions().isEmpty() ? null : profile.instructions();
        int answerTokens = ProfileSpec.lower(agent.maxTokens, profile.maxTokens());
        return new AgentLoop(traced(model), model.providerModel(), offered, traced(allowed(tools, profile)),
                new AgentLoop.Limits(ProfileSpec.lower(agent.maxSteps, profile.maxSteps()),
                        Duration.ofSeconds(ProfileSpec.lower(agent.maxSeconds, profile.maxSeconds())),
                        answerTokens,
                        // a local server may hold its headers back while it reads a long prompt
                        Duration.ofSeconds(agent.connectTimeoutSeconds + agent.idleTimeoutSeconds), Duration.ofSeconds(agent.idleTimeoutSeconds),
                        profile.maxPromptTokens() == null ? Long.MAX_VALUE : profile.maxPromptTokens()),
                new AgentLoop.Setup(instructions, profile.temperature(), schema), budget(owner, agentId))
                .approvals(approvals(profile, approval))
                .context(new ContextWindow(model.contextTokens(), answerTokens));
    }

    /**
     * Which of the tools the profile allows wait for a person before they run: those its rules or
     * the request's ({@code approval}, JSON text, or null) say so of.
     */
    public static ApprovalRules approvals(ProfileSpec profile, String approval) {
        return ApprovalRules.of(profile.approval(), ApprovalRules.stored(approval), profile::allows);
    }

    private AgentLoop.Budget budget(String owner, java.util.UUID agentId) {
        var guard = budgets.guard(owner, agentId);
        return guard == null ? AgentLoop.Budget.NONE : guard::exhausted;
    }

    /** A model may ask for a tool it was not offered: the answer is a tool error, and nothing runs. */
    static AgentLoop.Tools allowed(AgentLoop.Tools tools, ProfileSpec profile) {
        return new AgentLoop.Tools() {
            @Override
            public ToolResult call(String name, String arguments, BooleanSupplier cancelled) {
                return profile.allows(name) ? tools.call(name, arguments, cancelled) : refused(name);
            }

            @Override
            public ToolResult call(ToolCall call, BooleanSupplier cancelled) {
                return profile.allows(call.name()) ? tools.call(call, cancelled) : refused(call.name());
            }
        };
    }

    private static ToolResult refused(String name) {
        return ToolResult.failed("the tool '" + name + "' is not allowed for this agent; it was not run");
    }

    /** Each model turn a span of the prompt's trace, with its token counts. */
    private ModelProvider traced(ModelCatalog.Resolved model) {
        // MCP tools are named <server>.<tool>; providers take no dot in a tool's name
        var provider = WireToolNames.of(model.provider());
        var attributes = Map.of("rafiki.model", model.name(), "gen_ai.request.model", model.providerModel());
        return (request, listener, cancelled) -> {
            var span = tracing.child("rafiki.model.call", attributes);
            try (var ignored = span.makeCurrent()) {
                var turn = provider.complete(request, listener, cancelled);
                span.setAttribute("gen_ai.usage.input_tokens", turn.inputTokens());
                span.setAttribute("gen_ai.usage.output_tokens", turn.outputTokens());
                span.setAttribute("rafiki.tool_calls", turn.toolCalls().size());
                return turn;
            } catch (ModelException e) {
                Tracing.failed(span, e.code());
                throw e;
            } finally {
                span.end();
            }
        };
    }

    /** Each tool call a span of the prompt's trace; a failed tool marks it. */
    private AgentLoop.Tools traced(AgentLoop.Tools tools) {
        return new AgentLoop.Tools() {
            @Override
            public ToolResult call(String name, String arguments, BooleanSupplier cancelled) {
                return tracing.inSpan("rafiki.tool.call", Map.of("rafiki.tool", name), () -> marked(tools.call(name, arguments, cancelled)));
            }

            @Override
            public ToolResult call(ToolCall call, BooleanSupplier cancelled) {
                return tracing.inSpan("rafiki.tool.call", Map.of("rafiki.tool", call.name(), "rafiki.tool_call_id", call.id()),
                        () -> marked(tools.call(call, cancelled)));
            }
        };
    }

    private static ToolResult marked(ToolResult result) {
        if (result.error()) {
            Tracing.failed(Span.current(), "tool-error");
        }
        return result;
    }

    /** How long a session's claim lasts without a heartbeat. */
    public Duration lease() {
        return Duration.ofSeconds(settings.claimLeaseSeconds);
    }
}
