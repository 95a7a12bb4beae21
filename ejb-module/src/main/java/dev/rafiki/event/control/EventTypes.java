package dev.rafiki.event.control;

/** The event types of the public streams; the README's table documents their data. */
public final class EventTypes {

    public static final String PROMPT_QUEUED = "prompt.queued";
    public static final String PROMPT_STARTED = "prompt.started";
    public static final String TEXT_DELTA = "message.delta";
    public static final String TOOL_CALL_STARTED = "tool_call.started";
    public static final String TOOL_CALL_DELTA = "tool_call.delta";
    public static final String TOOL_CALL_FINISHED = "tool_call.finished";
    public static final String TOOL_CALL_APPROVAL_REQUESTED = "tool_call.approval_requested";
    public static final String TOOL_CALL_APPROVAL_DECIDED = "tool_call.approval_decided";
    public static final String MESSAGE_COMPLETED = "message.completed";
    public static final String PROMPT_COMPLETED = "prompt.completed";
    public static final String PROMPT_FAILED = "prompt.failed";
    public static final String PROMPT_CANCELLED = "prompt.cancelled";
    public static final String PROMPT_RETRYING = "prompt.retrying";
    public static final String JOB_SCHEDULED = "job.scheduled";
    public static final String JOB_QUEUED = "job.queued";
    public static final String JOB_STARTED = "job.started";
    public static final String JOB_PROGRESS = "job.progress";
    public static final String JOB_ARTIFACT = "job.artifact";
    public static final String JOB_COMPLETED = "job.completed";
    public static final String JOB_FAILED = "job.failed";
    public static final String JOB_CANCELLED = "job.cancelled";

    private EventTypes() {
    }
}
