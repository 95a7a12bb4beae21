package dev.rafiki.agent.control;

import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.agent.model.ModelException;
import dev.rafiki.agent.model.ModelProvider;
import dev.rafiki.agent.model.ModelRequest;
import dev.rafiki.agent.model.ModelStreamListener;
import dev.rafiki.agent.model.ToolCall;
import dev.rafiki.agent.model.Transcript;
import dev.rafiki.platform.text.StorableText;
import dev.rafiki.tool.control.ToolResult;
import dev.rafiki.tool.control.ToolSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The agent loop: send the conversation and the tools to the model, run the tool calls it asks
 * for, feed the results back, until the model answers without calling a tool or a limit is hit.
 * Returns everything the run produced, so the caller can store it in one transaction.
 * <p>
 * It is also the one door through which what a model or a tool produces enters a prompt's
 * record, on every path that runs prompts: streamed text, answers, tool calls and their
 * arguments, tool results and error messages leave it as {@link StorableText}, so the database
 * stores them on the first try.
 */
public final class AgentLoop {

    /** Runs a tool call; must honour {@code cancelled}. */
    public interface Tools {
        ToolResult call(String name, String arguments, BooleanSupplier cancelled);

        /** For tools that record which call produced what (artifacts); most only need name and arguments. */
        default ToolResult call(dev.rafiki.agent.model.ToolCall call, BooleanSupplier cancelled) {
            return call(call.name(), call.arguments(), cancelled);
        }
    }

    /** Also hears what the loop itself does, beyond what the model streams. */
    public interface Listener extends ModelStreamListener {
        default void toolFinished(dev.rafiki.agent.model.ToolCall call, ToolResult result) {
        }

        default void messageCompleted(ChatMessage message) {
        }
    }

    /**
     * @param maxTokens       output tokens per model turn
     * @param maxPromptTokens input plus output tokens of all turns of the prompt; the run ends
     *                        ({@code token-limit}) after the turn that reaches it
     */
    public record Limits(int maxSteps, Duration maxWallTime, int maxTokens, Duration connectTimeout, Duration idleTimeout,
                         long maxPromptTokens) {
        public Limits(int maxSteps, Duration maxWallTime, int maxTokens, Duration connectTimeout, Duration idleTimeout) {
            this(maxSteps, maxWallTime, maxTokens, connectTimeout, idleTimeout, Long.MAX_VALUE);
        }
    }

    /**
     * Asked before every model turn with what the run has spent so far: a budget that is spent
     * stops the run there, failed with {@link #BUDGET_EXCEEDED}, what it produced until then kept.
     */
    @FunctionalInterface
    public interface Budget {
        Budget NONE = (tokens, toolMillis) -> null;

        /** @return why no further turn may be taken, or null */
        String exhausted(long tokens, long toolMillis);
    }

    public static final String BUDGET_EXCEEDED = "budget-exceeded";

    /**
     * The run stopped before a turn's tool calls because at least one of them waits for a person's
     * decision: not an end, the prompt pauses ({@link Outcome#awaiting()} names the calls).
     */
    public static final String WAITING_APPROVAL = "waiting-approval";

    /** Which tool calls must wait for a person's decision before they run (the approval rules). */
    @FunctionalInterface
    public interface Approvals {
        Approvals NONE = call -> false;

        boolean required(ToolCall call);
    }

    /**
     * A person's decision on a tool call that waited.
     *
     * @param arguments the arguments to run it with when approved (edited, or the model's own)
     * @param reason    why it was denied, given to the model; may be null
     */
    public record Decision(boolean approved, String arguments, String reason) {
    }

    /**
     * Where a paused run goes on: the turn whose tool calls waited, and the decisions. The run
     * starts by running that turn's calls (a denied one answered with its denial), then asks the
     * model again: the turn itself is not asked for again.
     */
    public record Resume(List<ToolCall> calls, java.util.Map<String, Decision> decisions) {
    }

    /**
     * What the agent is told and may use, beyond the conversation: the system prompt, sampling, and
     * the schema its answer must follow (null: free text).
     */
    public record Setup(String system, Double temperature, OutputSchema output) {
        public static final Setup NONE = new Setup(null, null, null);

        public Setup(String system, Double temperature) {
            this(system, temperature, null);
        }
    }

    /**
     * @param messages  what the run added to the conversation, in order: assistant turns (with
     *                  their tool calls), tool results, and the final answer
     * @param errorCode null when the model gave a final answer; {@code cancelled} when stopped;
     *                  {@link #WAITING_APPROVAL} when paused before calls that wait for a person
     */
    public record Outcome(String answer, List<ChatMessage> messages, String errorCode, String errorMessage,
                          long inputTokens, long outputTokens, int toolCalls, long toolMillis, int steps,
                          List<ToolCall> awaiting) {
        public Outcome(String answer, List<ChatMessage> messages, String errorCode, String errorMessage,
                       long inputTokens, long outputTokens, int toolCalls, long toolMillis, int steps) {
            this(answer, messages, errorCode, errorMessage, inputTokens, outputTokens, toolCalls, toolMillis, steps,
                    List.of());
        }

        public boolean cancelled() {
            return "cancelled".equals(errorCode);
        }

        /** The run paused: the last of {@link #messages()} asked for {@link #awaiting()}, which wait for a person. */
        public boolean waiting() {
            return WAITING_APPROVAL.equals(errorCode);
        }

        /** What the run cost, without what it said: for a prompt whose output could not be stored. */
        public Outcome costsOnly() {
            return new Outcome("", List.of(), errorCode, errorMessage, inputTokens, outputTokens, toolCalls, toolMillis,
                    steps, awaiting);
        }
    }

    private final ModelProvider provider;
    private final String model;
    private final List<ToolSpec> toolSpecs;
    private final Tools tools;
    private final Limits limits;
    private final Setup setup;
    private final Budget budget;
    private Approvals approvals = Approvals.NONE;
    private ContextWindow context = ContextWindow.NONE;

    public AgentLoop(ModelProvider provider, String model, List<ToolSpec> toolSpecs, Tools tools, Limits limits) {
        this(provider, model, toolSpecs, tools, limits, Setup.NONE);
    }

    public AgentLoop(ModelProvider provider, String model, List<ToolSpec> toolSpecs, Tools tools, Limits limits,
                     Setup setup) {
        this(provider, model, toolSpecs, tools, limits, setup, Budget.NONE);
    }

    public AgentLoop(ModelProvider provider, String model, List<ToolSpec> toolSpecs, Tools tools, Limits limits,
                     Setup setup, Budget budget) {
        this.setup = setup;
        this.budget = budget;
        this.provider = provider;
        this.model = model;
        this.toolSpecs = toolSpecs;
        this.tools = tools;
        this.limits = limits;
    }

    /** The calls that wait for a person before they run; without rules none do. */
    public AgentLoop approvals(Approvals rules) {
        this.approvals = rules;
        return this;
    }

    /** The model's context window: each request carries only what fits in it. Without one, all is sent. */
    public AgentLoop context(ContextWindow window) {
        this.context = window;
        return this;
    }

    /** Whether the answer must follow a schema: a completed run's answer is then that JSON. */
    public boolean structured() {
        return setup.output() != null;
    }

    /**
     * @param history the conversation, ending with the new user message
     */
    public Outcome run(List<ChatMessage> history, ModelStreamListener listener, BooleanSupplier cancelled) {
        return run(history, null, listener, cancelled);
    }

    /**
     * A tool call's result, made storable, told to the listener and added to the conversation;
     * @return the milliseconds the call took, from {@code started}
     */
    private static long recorded(ToolCall call, ToolResult result, long started, Listener observer,
                                 List<ChatMessage> conversation, List<ChatMessage> produced) {
        long millis = (System.nanoTime() - started) / 1_000_000;
        var stored = new ToolResult(StorableText.of(result.content()), result.error());
        observer.toolFinished(call, stored);
        var message = ChatMessage.toolResult(call.id(), stored.content(), stored.error());
        conversation.add(message);
        produced.add(message);
        return millis;
    }

    /**
     * @param history the conversation: ending with the new user message, or, when resuming, with
     *                the turn whose calls waited
     * @param resume  the decisions on the turn that waited, or null for a fresh run
     */
    public Outcome run(List<ChatMessage> history, Resume resume, ModelStreamListener listener, BooleanSupplier cancelled) {
        var observer = listener instanceof Listener l ? l : new Listener() {
            @Override
            public void textDelta(String text) {
                listener.textDelta(text);
            }

            @Override
            public void toolCallStarted(String id, String name) {
                listener.toolCallStarted(id, name);
            }

            @Override
            public void toolCallArgumentsDelta(String id, String fragment) {
                listener.toolCallArgumentsDelta(id, fragment);
            }
        };
        long deadline = System.nanoTime() + limits.maxWallTime().toNanos();
        BooleanSupplier stop = () -> cancelled.getAsBoolean() || System.nanoTime() > deadline;
        var earlier = Transcript.of(history);
        // what this run adds to the conversation; the model is sent earlier + these
        var conversation = new ArrayList<ChatMessage>();
        var produced = new ArrayList<ChatMessage>();
        long input = 0;
        long output = 0;
        int toolCalls = 0;
        long toolMillis = 0;
        boolean corrected = false;
        if (resume != null) {
            for (var call : resume.calls()) {
                var decision = resume.decisions().get(call.id());
                long started = System.nanoTime();
                ToolResult result;
                if (stop.getAsBoolean()) {
                    result = ToolResult.failed("not run: the prompt was stopped");
                } else if (decision == null) {
                    result = tools.call(call, stop); // a call of the turn that needed no decision
                } else if (decision.approved()) {
                    result = tools.call(new ToolCall(call.id(), call.name(), StorableText.json(decision.arguments())), stop);
                } else {
                    result = ToolResult.failed("not run: a person denied this tool call"
                            + (decision.reason() == null || decision.reason().isBlank() ? "" : ": " + decision.reason()));
                }
                toolMillis += recorded(call, result, started, observer, conversation, produced);
                toolCalls++;
            }
        }
        for (int step = 1; step <= limits.maxSteps(); step++) {
            // also before the first turn: a queued prompt may find its budget spent by the time it starts
            var spent = budget.exhausted(input + output, toolMillis);
            if (spent != null) {
                return new Outcome("", produced, BUDGET_EXCEEDED, spent, input, output, toolCalls, toolMillis, step - 1);
            }
            var streamed = new StringBuilder();
            var pieces = new StorableText.Pieces();
            var tee = new ModelStreamListener() {
                @Override
                public void textDelta(String text) {
                    emit(pieces.next(text));
                }

                void emit(String clean) {
                    if (!clean.isEmpty()) {
                        streamed.append(clean);
                        listener.textDelta(clean);
                    }
                }

                @Override
                public void toolCallStarted(String id, String name) {
                    listener.toolCallStarted(StorableText.of(id), StorableText.of(name));
                }

                @Override
                public void toolCallArgumentsDelta(String id, String fragment) {
                    listener.toolCallArgumentsDelta(StorableText.of(id), StorableText.of(fragment));
                }
            };
            // fitted before every turn: a run's own tool results grow the conversation too
            var fitted = context.fit(setup.system(), toolSpecs, earlier.plus(conversation));
            var sent = fitted.messages() instanceof Transcript whole ? whole : List.copyOf(fitted.messages());
            var request = new ModelRequest(model, fitted.system(), sent, toolSpecs,
                    limits.maxTokens(), limits.connectTimeout(), limits.idleTimeout(), setup.temperature(),
                    setup.output() == null ? null : setup.output().json());
            dev.rafiki.agent.model.ModelTurn turn;
            try {
                turn = provider.complete(request, tee, stop);
            } catch (ModelException e) {
                tee.emit(pieces.end());
                if (streamed.length() > 0) {
                    produced.add(ChatMessage.assistant(streamed.toString(), List.of()));
                }
                String code;
                String message;
                if (cancelled.getAsBoolean()) {
                    code = "cancelled";
                    message = "the prompt was cancelled";
                } else if (System.nanoTime() > deadline) {
                    code = "time-limit";
                    message = "the run took longer than " + limits.maxWallTime().toMillis() / 1000.0 + " s";
                } else {
                    code = e.code();
                    message = StorableText.of(e.getMessage());
                }
                return new Outcome(streamed.toString(), produced, code, message, input, output, toolCalls, toolMillis, step);
            }
            tee.emit(pieces.end());
            input += turn.inputTokens();
            output += turn.outputTokens();
            var calls = turn.toolCalls().stream().map(call -> new ToolCall(StorableText.of(call.id()),
                    StorableText.of(call.name()), StorableText.json(call.arguments()))).toList();
            var assistant = ChatMessage.assistant(turn.text() == null ? "" : StorableText.of(turn.text()), calls);
            conversation.add(assistant);
            produced.add(assistant);
            observer.messageCompleted(assistant);
            if (calls.isEmpty()) {
                var errors = setup.output() == null ? List.<String>of() : setup.output().check(assistant.content());
                if (errors.isEmpty()) {
                    return new Outcome(assistant.content(), produced, null, null, input, output, toolCalls, toolMillis, step);
                }
                if (corrected) {
                    return new Outcome("", produced, OutputSchema.OUTPUT_INVALID, StorableText.of(
                            "the answer did not match the output schema, also when asked again: " + String.join("; ", errors)),
                            input, output, toolCalls, toolMillis, step);
                }
                // asked once more with what was wrong; the refused answer stays out of the session's history
                corrected = true;
                produced.remove(produced.size() - 1);
                conversation.add(ChatMessage.user(ModelRequest.OUTPUT_FEEDBACK + ". Answer again with only the JSON value, "
                        + "corrected. The errors:\n- " + String.join("\n- ", errors)));
                continue;
            }
            if (input + output >= limits.maxPromptTokens()) {
                // checked before the tools run: a spent budget starts nothing more
                return new Outcome("", produced, "token-limit", "the prompt used " + (input + output)
                        + " tokens, its limit is " + limits.maxPromptTokens(), input, output, toolCalls, toolMillis, step);
            }
            if (calls.stream().anyMatch(approvals::required)) {
                // nothing of this turn runs before a person decided: the turn is resumed as a whole
                return new Outcome("", produced, WAITING_APPROVAL, "a tool call waits for approval", input, output,
                        toolCalls, toolMillis, step, calls.stream().filter(approvals::required).toList());
            }
            for (var call : calls) {
                long started = System.nanoTime();
                ToolResult result = stop.getAsBoolean()
                        ? ToolResult.failed("not run: the prompt was stopped")
                        : tools.call(call, stop);
                toolMillis += recorded(call, result, started, observer, conversation, produced);
                toolCalls++;
            }
            if (stop.getAsBoolean()) {
                var code = cancelled.getAsBoolean() ? "cancelled" : "time-limit";
                return new Outcome("", produced, code, cancelled.getAsBoolean() ? "the prompt was cancelled"
                        : "the run took longer than " + limits.maxWallTime().toMillis() / 1000.0 + " s",
                        input, output, toolCalls, toolMillis, step);
            }
        }
        return new Outcome("", produced, "step-limit", "the model did not finish within " + limits.maxSteps() + " steps",
                input, output, toolCalls, toolMillis, limits.maxSteps());
    }
}
