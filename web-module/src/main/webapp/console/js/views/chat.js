// One session: its conversation streamed live from the event log (token by token, tool calls as
// they run), its queue, and the controls: send with a busy policy, stop, cancel a queued prompt.

import { path } from '../api.js';
import { badge, duration, excerpt, fill, h, prettyJson, shortId } from '../dom.js';
import { Follower, streamPill } from '../follow.js';
import { Transcript } from '../transcript.js';

const LIFECYCLE = new Set(['prompt.queued', 'prompt.started', 'prompt.completed', 'prompt.failed', 'prompt.cancelled']);

export function chatView(root, context, sessionId) {
  const { api } = context;
  const transcript = new Transcript();
  const elements = new Map();

  const title = h('h1', {}, 'Session');
  const status = h('span', { id: 'session-status' });
  const facts = h('span', { class: 'muted facts' });
  const streamState = streamPill();
  const turns = h('div', { id: 'transcript', class: 'transcript' }, h('p', { class: 'muted empty', id: 'no-turns' }, 'No prompts yet: send one below.'));
  const queue = h('div', { id: 'queue' });
  const usage = h('dl', { class: 'facts-list', id: 'session-usage' });

  const prompt = h('textarea', { id: 'prompt', rows: 3, placeholder: 'Ask something. Try: /slow 200 watch the words arrive one by one' });
  const busy = h('select', { id: 'busy', title: 'What to do while the session runs another prompt' },
    h('option', { value: 'enqueue' }, 'enqueue'),
    h('option', { value: 'reject' }, 'reject'),
    h('option', { value: 'interrupt' }, 'interrupt'));
  const model = h('input', { type: 'text', id: 'prompt-model', placeholder: 'model (session default)' });
  const send = h('button', { type: 'submit', id: 'send' }, 'Send');

  root.append(h('section', { class: 'chat' },
    h('div', { class: 'head' },
      h('a', { href: '#/sessions', class: 'back' }, '← Sessions'),
      title, status, facts, streamState.element),
    h('div', { class: 'chat-body' },
      turns,
      h('aside', { class: 'side card' },
        h('h2', {}, 'Queue'), queue,
        h('div', { class: 'actions' },
          h('button', { type: 'button', id: 'stop', class: 'danger', onclick: () => stop(false) }, 'Stop'),
          h('button', { type: 'button', id: 'stop-all', class: 'danger quiet', onclick: () => stop(true) }, 'Stop and clear queue')),
        h('h2', {}, 'Usage'), usage)),
    h('form', { class: 'composer card', onsubmit: submit },
      prompt,
      h('div', { class: 'composer-controls' },
        h('label', {}, 'If busy ', busy), model, send))));

  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      submit(event);
    }
  });

  async function submit(event) {
    event.preventDefault();
    const text = prompt.value;
    if (!text.trim()) {
      return;
    }
    send.disabled = true;
    try {
      await api.post('/query', {
        prompt: text,
        session_id: sessionId,
        busy: busy.value,
        ...(model.value.trim() ? { model: model.value.trim() } : {}),
      }, { Prefer: 'respond-async', 'Idempotency-Key': randomKey() });
      prompt.value = '';
      context.say('');
    } catch (error) {
      context.say(error.code === 'session-busy'
        ? 'The session is busy and the policy is "reject": nothing was sent.'
        : `Not sent: ${error.message}`);
    } finally {
      send.disabled = false;
    }
  }

  async function stop(clearQueue) {
    try {
      const result = await api.post(path`/session/${sessionId}/stop` + (clearQueue ? '?clear_queue=true' : ''));
      const count = (result && result.cancelled && result.cancelled.length) || 0;
      context.say(count ? `Cancelled ${count} prompt${count === 1 ? '' : 's'}.` : 'Nothing was running.', 'info');
    } catch (error) {
      context.say(`Stop failed: ${error.message}`);
    }
  }

  async function dequeue(promptId) {
    try {
      await api.del(path`/session/${sessionId}/queue/${promptId}`);
    } catch (error) {
      context.say(error.status === 409 ? 'That prompt has started already: use Stop.' : `Cancel failed: ${error.message}`);
    }
  }

  function draw(turn) {
    const nearBottom = turns.scrollHeight - turns.scrollTop - turns.clientHeight < 80;
    const element = turnElement(turn);
    const old = elements.get(turn.promptId);
    if (old) {
      old.replaceWith(element);
    } else {
      const empty = turns.querySelector('#no-turns');
      if (empty) {
        empty.remove();
      }
      turns.append(element);
    }
    elements.set(turn.promptId, element);
    if (nearBottom) {
      turns.scrollTop = turns.scrollHeight;
    }
  }

  let live = true;
  let refreshing = null;
  function refreshSoon() {
    clearTimeout(refreshing);
    refreshing = setTimeout(refresh, 150);
  }

  async function refresh() {
    try {
      const [session, waiting] = await Promise.all([
        api.get(path`/session/${sessionId}`),
        api.get(path`/session/${sessionId}/queue`),
      ]);
      if (!live) {
        return;
      }
      fill(title, session.title || 'Untitled session');
      fill(status, badge(session.status));
      fill(facts, `${shortId(session.id)} · ${session.model}`);
      const tokens = session.usage || {};
      fill(usage,
        h('dt', {}, 'Prompts'), h('dd', {}, session.prompt_count),
        h('dt', {}, 'Messages'), h('dd', {}, session.message_count),
        h('dt', {}, 'Tokens in / out'), h('dd', {}, `${tokens.input_tokens || 0} / ${tokens.output_tokens || 0}`));
      const rows = [];
      if (waiting.running_prompt_id) {
        rows.push(h('li', { class: 'running' }, badge('running'), ' ', shortId(waiting.running_prompt_id)));
      }
      for (const item of waiting.queued || []) {
        rows.push(h('li', { class: 'queued', dataset: { promptId: item.prompt_id } },
          h('span', { class: 'position' }, `#${item.position}`), ' ',
          h('span', { class: 'excerpt' }, excerpt(item.prompt || transcript.turn(item.prompt_id).prompt, 60)), ' ',
          h('button', { type: 'button', class: 'quiet small', onclick: () => dequeue(item.prompt_id) }, 'Cancel')));
      }
      fill(queue, rows.length ? h('ul', { class: 'queue' }, rows) : h('p', { class: 'muted' }, 'Empty.'));
    } catch (error) {
      if (live && error.status === 404) {
        context.say('This session does not exist (or is not yours).');
      }
      // while the server is away the stream state says so; the next event refreshes again
    }
  }

  const follower = new Follower({
    api,
    tokenPath: path`/session/${sessionId}/stream-token`,
    subscription: { session_id: sessionId },
    after: 0,
    onEvent(event) {
      const turn = transcript.apply(event);
      if (turn) {
        draw(turn);
      }
      if (LIFECYCLE.has(event.type)) {
        refreshSoon();
      }
    },
    onState(state, detail) {
      streamState.show(state, detail);
      if (state === 'live') {
        refreshSoon();
      }
    },
  }).start();
  refresh();

  return () => {
    live = false;
    follower.close();
    clearTimeout(refreshing);
  };
}

function turnElement(turn) {
  const running = turn.status === 'running';
  const assistant = turn.segments.map((segment, i) => (segment.kind === 'text'
    ? h('div', { class: 'text' }, segment.text, running && i === turn.segments.length - 1 ? cursor() : '')
    : toolElement(segment)));
  const last = turn.segments[turn.segments.length - 1];
  return h('article', { class: 'turn', dataset: { promptId: turn.promptId, status: turn.status } },
    h('div', { class: 'user' }, h('div', { class: 'who' }, 'You'), h('div', { class: 'bubble' }, turn.prompt)),
    h('div', { class: 'assistant' },
      h('div', { class: 'who' }, 'Agent'),
      h('div', { class: 'bubble' },
        assistant,
        running && (!last || last.kind !== 'text') ? cursor() : '',
        turn.segments.length === 0 && !running ? h('span', { class: 'muted' }, turn.status === 'queued' ? 'waiting in the queue…' : '') : '')),
    h('footer', { class: 'turn-foot' },
      badge(turn.status),
      turn.attempt > 1 ? h('span', { class: 'muted' }, ` attempt ${turn.attempt}`) : '',
      turn.model ? h('span', { class: 'muted' }, ` · ${turn.model}`) : '',
      turn.startedAt && turn.finishedAt ? h('span', { class: 'muted' }, ` · ${duration(turn.finishedAt - turn.startedAt)}`) : '',
      turn.error ? h('span', { class: 'error-text' }, ` ${turn.error.code}: ${turn.error.message || ''}`) : ''));
}

/** The blinking block at the end of an answer still being written. */
function cursor() {
  return h('span', { class: 'cursor', 'aria-hidden': 'true' });
}

function toolElement(call) {
  const done = call.finishedAt !== undefined;
  return h('details', { class: 'tool-call', open: true, dataset: { name: call.name, state: done ? (call.error ? 'error' : 'ok') : 'running' } },
    h('summary', {},
      h('span', { class: 'tool-name' }, call.name),
      h('span', { class: 'tool-state' }, done ? (call.error ? 'failed' : 'done') : 'running…'),
      done ? h('span', { class: 'duration' }, duration(call.finishedAt - call.startedAt)) : ''),
    h('div', { class: 'tool-io' },
      h('div', { class: 'label' }, 'Arguments'),
      h('pre', { class: 'args' }, prettyJson(call.arguments)),
      done ? h('div', { class: 'label' }, call.error ? 'Error' : 'Result') : '',
      done ? h('pre', { class: 'result' }, call.result) : ''));
}

/** An Idempotency-Key: a retried send is then never run twice (crypto.randomUUID needs a secure context). */
function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
