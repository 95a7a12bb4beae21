// A session's conversation as its events tell it: each prompt is a turn with the user's text and
// the answer in the order it was produced (text, tool calls with their arguments, results and
// duration). Built from the event log alone, so a replay after a reconnect draws the same thing.

const TERMINAL = new Set(['prompt.completed', 'prompt.failed', 'prompt.cancelled']);

export class Transcript {
  constructor() {
    /** @type {Map<string, object>} turns by prompt id, in the order they were queued */
    this.turns = new Map();
  }

  /** Applies one event; returns the turn it changed, or null. */
  apply(event) {
    const data = event.data || {};
    const promptId = data.prompt_id || event.prompt_id;
    if (!promptId) {
      return null;
    }
    const turn = this.turn(promptId);
    const at = Date.parse(event.created_at);
    switch (event.type) {
      case 'prompt.queued':
        turn.prompt = data.prompt;
        turn.queuedAt = at;
        break;
      case 'prompt.started':
        // A prompt resumed after a crash runs again from its start: the new attempt's answer
        // replaces what the interrupted one had streamed, so the page shows the answer once.
        if (turn.attempt && data.attempt > turn.attempt) {
          turn.segments = [];
          turn.open = null;
        }
        turn.attempt = data.attempt;
        turn.model = data.model;
        turn.status = 'running';
        turn.startedAt = at;
        break;
      case 'message.delta':
        if (!turn.open) {
          turn.open = { kind: 'text', text: '' };
          turn.segments.push(turn.open);
        }
        turn.open.text += data.text;
        break;
      case 'tool_call.started':
        turn.open = null;
        turn.segments.push({ kind: 'tool', id: data.tool_call_id, name: data.name, arguments: '', startedAt: at });
        break;
      case 'tool_call.delta': {
        const call = this.call(turn, data.tool_call_id);
        if (call) {
          call.arguments += data.arguments;
        }
        break;
      }
      case 'tool_call.finished': {
        const call = this.call(turn, data.tool_call_id);
        if (call) {
          call.result = data.result;
          call.error = data.error;
          call.finishedAt = at;
        }
        break;
      }
      case 'message.completed':
        // the whole message as recorded: it settles the streamed text
        if (turn.open) {
          turn.open.text = data.content;
        } else if (data.content) {
          turn.segments.push({ kind: 'text', text: data.content });
        }
        turn.open = null;
        break;
      default:
        if (!TERMINAL.has(event.type)) {
          return null;
        }
        turn.status = data.status || event.type.split('.')[1];
        turn.error = data.error || null;
        turn.finishedAt = at;
        turn.open = null;
    }
    return turn;
  }

  turn(promptId) {
    let turn = this.turns.get(promptId);
    if (!turn) {
      turn = { promptId, prompt: '', status: 'queued', segments: [], open: null, attempt: 0 };
      this.turns.set(promptId, turn);
    }
    return turn;
  }

  call(turn, id) {
    return turn.segments.find((segment) => segment.kind === 'tool' && segment.id === id);
  }
}
