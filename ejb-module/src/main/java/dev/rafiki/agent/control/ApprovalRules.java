package dev.rafiki.agent.control;

import dev.rafiki.agent.model.ToolCall;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which tool calls wait for a person's decision: an agent profile's {@code approval} rules, per
 * tool name, {@code always} (wait) or {@code never} (run at once, as without a rule). A tool the
 * profile does not allow is never asked about: it is refused without running anyway.
 */
public final class ApprovalRules implements AgentLoop.Approvals {

    public static final String ALWAYS = "always";

    public static final ApprovalRules NONE = new ApprovalRules(Map.of(), tool -> true);

    private final Map<String, String> rules;
    private final Predicate<String> allowed;

    private ApprovalRules(Map<String, String> rules, Predicate<String> allowed) {
        this.rules = rules;
        this.allowed = allowed;
    }

    /**
     * @param rules   per tool name, {@code always} or {@code never}; null or empty: nothing waits
     * @param allowed whether the profile lets the model call a tool at all
     */
    public static ApprovalRules of(Map<String, String> rules, Predicate<String> allowed) {
        return rules == null || rules.isEmpty() ? NONE : new ApprovalRules(Map.copyOf(rules), allowed);
    }

    @Override
    public boolean required(ToolCall call) {
        return ALWAYS.equals(rules.get(call.name())) && allowed.test(call.name());
    }

    /** Whether any call at all may wait: a run that can never wait needs none of the machinery. */
    public boolean any() {
        return rules.containsValue(ALWAYS);
    }
}
