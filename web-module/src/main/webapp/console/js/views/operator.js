// For operators (the admin group): small live charts from the metrics the server already exposes
// (GET /metrics, Prometheus text), and the dead letters (GET /admin/dead-letters). The server
// decides who is an operator: the view opens only when it grants the dead-letter route.

import { path } from '../api.js';
import { fill, h, shortId, time } from '../dom.js';
import { labelValues, parseMetrics, sum } from '../prometheus.js';
import '../spark-chart.js';

const SCRAPE_MS = 2000;
// rates and averages over the scrapes of the last ten seconds: steadier than two neighbours
const WINDOW_MS = 10000;

export function operatorView(root, context) {
  const { api } = context;
  let live = true;
  let timer = null;
  const section = h('section', { class: 'operator' }, h('div', { class: 'head' }, h('h1', {}, 'Operator')));
  root.append(section);

  api.get('/admin/dead-letters?limit=100').then((letters) => {
    if (live) {
      open(letters);
    }
  }).catch((error) => {
    if (!live) {
      return;
    }
    section.append(h('div', { class: 'card refused', id: 'operator-refused' },
      h('h2', {}, error.status === 403 ? 'Not for this token' : 'Unavailable'),
      h('p', {}, error.status === 403
        ? 'The operator view needs a token in the admin group; the server refused this one (403 forbidden).'
        : `The server did not answer: ${error.message}`)));
  });

  function open(letters) {
    const charts = {
      queue: h('spark-chart', { id: 'chart-queue', label: 'Queue depth (whole cluster)' }),
      throughput: h('spark-chart', { id: 'chart-throughput', label: 'Prompts finished per second', unit: '/s' }),
      latency: h('spark-chart', { id: 'chart-latency', label: 'Average time, last 10 s', unit: ' s' }),
      streams: h('spark-chart', { id: 'chart-streams', label: 'Open streams (this node)' }),
      tokens: h('spark-chart', { id: 'chart-tokens', label: 'Model tokens/s by provider', unit: '/s' }),
    };
    const scrapeState = h('p', { class: 'muted', id: 'scrape-state' }, 'Reading /metrics…');
    const deadLetters = h('div', { id: 'dead-letters' });
    section.append(
      h('div', { class: 'charts' }, Object.values(charts)),
      scrapeState,
      h('div', { class: 'card' },
        h('div', { class: 'head' }, h('h2', {}, 'Dead letters'),
          h('button', { type: 'button', class: 'quiet small', onclick: refreshLetters }, 'Refresh')),
        deadLetters));
    showLetters(letters);

    const history = [];
    async function scrape() {
      let text;
      try {
        const response = await api.request('GET', '/metrics?scope=application', { accept: 'text/plain' });
        text = await response.text();
      } catch (error) {
        if (!live) {
          return;
        }
        fill(scrapeState, error.status === 404 ? 'No application metrics yet: they appear with the first request.'
          : error.status === 403 || error.status === 401 ? 'The metrics endpoint refused this token: it needs the group named by rafiki.metrics.role.'
            : `Could not read /metrics: ${error.message}`);
        timer = setTimeout(scrape, SCRAPE_MS);
        return;
      }
      if (!live) {
        return;
      }
      const now = Date.now();
      history.push({ at: now, samples: parseMetrics(text) });
      while (history.length > 2 && now - history[1].at >= WINDOW_MS) {
        history.shift();
      }
      plot(charts, history);
      fill(scrapeState, `From /metrics every ${SCRAPE_MS / 1000} s; last read ${new Date(now).toLocaleTimeString()}.`);
      timer = setTimeout(scrape, SCRAPE_MS);
    }
    scrape();

    async function refreshLetters() {
      try {
        showLetters(await api.get('/admin/dead-letters?limit=100'));
      } catch (error) {
        context.say(`Could not read the dead letters: ${error.message}`);
      }
    }

    function showLetters(page) {
      const items = page.items || [];
      fill(deadLetters, items.length === 0
        ? h('p', { class: 'muted' }, 'None: no job has run out of attempts.')
        : h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, ['Job', 'Owner', 'Attempts', 'Error', 'Dead-lettered', ''].map((c) => h('th', {}, c)))),
          h('tbody', {}, items.map((letter) => h('tr', { class: 'letter', dataset: { jobId: letter.job_id } },
            h('td', { class: 'mono', title: letter.job_id }, shortId(letter.job_id)),
            h('td', {}, letter.owner),
            h('td', {}, letter.attempts),
            h('td', { class: 'error-text' }, letter.error ? `${letter.error.code}: ${letter.error.message}` : ''),
            h('td', {}, time(letter.dead_lettered_at)),
            h('td', {}, h('button', {
              type: 'button',
              class: 'quiet small',
              onclick: async () => {
                try {
                  await api.del(path`/admin/dead-letters/${letter.job_id}`);
                  refreshLetters();
                } catch (error) {
                  context.say(`Could not remove the letter: ${error.message}`);
                }
              },
            }, 'Remove')))))));
    }
  }

  return () => {
    live = false;
    clearTimeout(timer);
  };
}

function plot(charts, history) {
  const latest = history[history.length - 1].samples;
  const first = history[0];
  const seconds = (history[history.length - 1].at - first.at) / 1000;
  const rate = (name, labels) => (seconds > 0 ? (sum(latest, name, labels) - sum(first.samples, name, labels)) / seconds : 0);
  const average = (name, labels) => {
    const count = sum(latest, `${name}_count`, labels) - sum(first.samples, `${name}_count`, labels);
    return count > 0 ? (sum(latest, `${name}_sum`, labels) - sum(first.samples, `${name}_sum`, labels)) / count : 0;
  };

  charts.queue.push({
    'prompts queued': sum(latest, 'rafiki_queue_depth', { queue: 'prompts', state: 'queued' }),
    'prompts running': sum(latest, 'rafiki_queue_depth', { queue: 'prompts', state: 'running' }),
    'jobs queued': sum(latest, 'rafiki_queue_depth', { queue: 'jobs', state: 'queued' }),
    'jobs running': sum(latest, 'rafiki_queue_depth', { queue: 'jobs', state: 'running' }),
  });
  const statuses = {};
  for (const status of ['completed', 'failed', 'cancelled']) {
    statuses[status] = rate('rafiki_prompts_finished_total', { status });
  }
  charts.throughput.push(statuses);
  charts.latency.push({
    'prompt run': average('rafiki_prompt_run_duration_seconds', {}),
    'POST /query': average('rafiki_http_requests_seconds', { method: 'POST', route: '/query' }),
  });
  const streams = {};
  for (const transport of ['ws', 'query_stream', 'sse']) {
    streams[transport] = sum(latest, 'rafiki_streams_connections', { transport });
  }
  charts.streams.push(streams);
  const tokens = {};
  for (const provider of labelValues(latest, 'rafiki_model_tokens_total', 'provider')) {
    tokens[provider] = rate('rafiki_model_tokens_total', { provider });
  }
  charts.tokens.push(tokens);
}
