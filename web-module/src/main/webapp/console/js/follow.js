// Follows one session's (or one job's) events over /ws and survives what networks and servers do:
// a dropped connection or a restarted server is followed by a new connection that resumes from
// the last event applied, so no event is lost and none is applied twice.
//
// Each connection gets a fresh short-lived stream token (POST …/stream-token) and passes it as
// access_token: browsers cannot set headers on a WebSocket, and the signed-in bearer token never
// goes into a URL.

import { fill, h } from './dom.js';

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 5000;
// Three keep-alive periods at the server's default (rafiki.events.keep-alive-seconds = 15): a
// connection silent for longer is taken as dead (a network that drops packets without a reset).
// A server with a longer period only costs a reconnect, which loses nothing.
const SILENCE_MS = 45000;

export class Follower {
  /**
   * @param {object} options
   * @param {import('./api.js').Api} options.api
   * @param {string} options.tokenPath  POST route that issues the stream token
   * @param {object} options.subscription  {session_id} or {job_id}
   * @param {number} options.after  the session cursor (seq) to resume after; 0 for everything
   * @param {(event: object) => void} options.onEvent  each event, once, in order
   * @param {(state: string, detail?: string) => void} options.onState  connecting, live, reconnecting, ended
   */
  constructor({ api, tokenPath, subscription, after = 0, onEvent, onState }) {
    Object.assign(this, { api, tokenPath, subscription, after, onEvent, onState });
    this.closed = false;
    this.failures = 0;
  }

  start() {
    this.connect();
    return this;
  }

  close() {
    this.closed = true;
    clearTimeout(this.retry);
    clearTimeout(this.watchdog);
    if (this.socket) {
      this.socket.close(1000, 'view closed');
    }
  }

  async connect() {
    if (this.closed) {
      return;
    }
    this.onState(this.failures === 0 ? 'connecting' : 'reconnecting');
    let token;
    try {
      token = (await this.api.post(this.tokenPath)).token;
    } catch (error) {
      if (error.status === 404 || error.status === 403 || error.status === 401) {
        this.end(error.message);
      } else {
        this.again(); // the server is away or busy (0, 429, 503): try later
      }
      return;
    }
    if (this.closed) {
      return;
    }
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${window.location.host}/ws?access_token=${encodeURIComponent(token)}`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', ...this.subscription, after: this.after }));
      this.watch();
    });
    socket.addEventListener('message', (message) => this.receive(message));
    socket.addEventListener('close', () => {
      if (this.socket === socket) {
        this.socket = null;
        clearTimeout(this.watchdog);
        this.again();
      }
    });
  }

  receive(message) {
    this.watch();
    let frame;
    try {
      frame = JSON.parse(message.data);
    } catch (notJson) {
      return;
    }
    switch (frame.type) {
      case 'subscribed':
        this.failures = 0;
        this.onState('live');
        return;
      case 'keep-alive':
      case 'unsubscribed':
        return;
      case 'error':
        this.end(frame.detail || frame.code);
        return;
      default:
        // Events after a resume start past the cursor; the check keeps a late duplicate out anyway.
        if (typeof frame.seq === 'number' && frame.seq > this.after) {
          this.after = frame.seq;
          this.onEvent(frame);
        }
    }
  }

  watch() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.socket && this.socket.close(4000, 'silent'), SILENCE_MS);
  }

  again() {
    if (this.closed) {
      return;
    }
    this.onState('reconnecting');
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.failures, LONGEST_RETRY_MS);
    this.failures += 1;
    this.retry = setTimeout(() => this.connect(), delay);
  }

  end(detail) {
    this.closed = true;
    if (this.socket) {
      this.socket.close(1000, 'ended');
    }
    this.onState('ended', detail);
  }
}

/** The connection's state as a pill, for the views that follow a stream. */
export function streamPill() {
  const element = h('span', { id: 'stream-state', class: 'pill', dataset: { state: 'connecting' } }, 'connecting…');
  return {
    element,
    show(state, detail) {
      element.dataset.state = state;
      const text = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…' }[state];
      fill(element, text || `ended${detail ? `: ${detail}` : ''}`);
    },
  };
}
