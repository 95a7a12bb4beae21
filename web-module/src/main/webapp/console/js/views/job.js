// One job, live: status and progress from its event stream (a job stream token, which follows
// this job only), the answer or the error, artifacts with a preview and a download, the webhook
// deliveries with each attempt, and cancel or submit again.

import { path } from '../api.js';
import { parseCsv } from '../csv.js';
import { badge, bytes, duration, fill, h, shortId, time } from '../dom.js';
import { Follower, streamPill } from '../follow.js';
import { ACTIVE, progress } from './jobs.js';

const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_IMAGE_BYTES = 8 * 1024 * 1024;
const PREVIEW_ROWS = 200;
const SHOWN_EVENTS = 30;
const WEBHOOK_POLL_MS = 2000;

export function jobView(root, context, jobId) {
  const { api } = context;
  const summary = h('div', { id: 'job-summary', class: 'card' }, h('p', { class: 'muted' }, 'Loading…'));
  const artifacts = h('div', { id: 'artifacts' });
  const preview = h('div', { id: 'preview', class: 'preview', hidden: true });
  const deliveries = h('div', { id: 'deliveries' });
  const events = h('ol', { id: 'job-events', class: 'events' });
  const streamState = streamPill();
  const controls = h('div', { class: 'actions' });

  root.append(h('section', { class: 'job' },
    h('div', { class: 'head' }, h('a', { href: '#/jobs', class: 'back' }, '← Jobs'), h('h1', {}, `Job ${shortId(jobId)}`), streamState.element, controls),
    summary,
    h('div', { class: 'columns' },
      h('div', { class: 'card' }, h('h2', {}, 'Artifacts'), artifacts, preview),
      h('div', { class: 'card' }, h('h2', {}, 'Events'), events)),
    h('div', { class: 'card' }, h('h2', {}, 'Webhook deliveries'), deliveries)));

  let job = null;
  let loading = null;
  let polling = null;
  let live = true;

  async function load() {
    try {
      job = await api.get(path`/jobs/${jobId}`);
    } catch (error) {
      if (live && error.status === 404) {
        fill(summary, h('p', {}, 'No such job (or it is not yours).'));
      }
      return;
    }
    if (!live) {
      return;
    }
    render();
    // A webhook is delivered after the job ended, and its attempts make no events: read the job
    // again until every delivery is settled.
    clearTimeout(polling);
    const sent = (job.webhook && job.webhook.deliveries) || [];
    if (job.webhook && !ACTIVE.has(job.status) && (sent.length === 0 || sent.some((d) => d.status === 'pending'))) {
      polling = setTimeout(load, WEBHOOK_POLL_MS);
    }
  }

  function loadSoon() {
    clearTimeout(loading);
    loading = setTimeout(load, 150);
  }

  function render() {
    const usage = job.usage || {};
    fill(summary,
      h('div', { class: 'job-status' }, badge(job.status), ' ',
        ACTIVE.has(job.status) ? progress(job) : '',
        job.progress ? h('span', { class: 'muted' }, ACTIVE.has(job.status) ? job.progress.message || ''
          : `last progress reported: ${job.progress.percent ?? '–'} %${job.progress.message ? ` (${job.progress.message})` : ''}`) : ''),
      h('dl', { class: 'facts-list wide' },
        h('dt', {}, 'Prompt'), h('dd', { class: 'pre' }, job.prompt),
        h('dt', {}, 'Model'), h('dd', {}, job.model || 'the default'),
        h('dt', {}, 'Session'), h('dd', {}, h('a', { href: `#/sessions/${job.session_id}` }, shortId(job.session_id))),
        h('dt', {}, 'Attempts'), h('dd', {}, `${job.attempts} of ${job.max_attempts}`, job.dead_lettered_at ? ` · dead-lettered ${time(job.dead_lettered_at)}` : ''),
        h('dt', {}, 'Created'), h('dd', {}, time(job.created_at)),
        job.finished_at ? [h('dt', {}, 'Finished'), h('dd', {}, time(job.finished_at))] : '',
        h('dt', {}, 'Usage'), h('dd', {}, `${usage.input_tokens || 0} in / ${usage.output_tokens || 0} out tokens · ${usage.tool_calls || 0} tool calls`),
        job.metadata && Object.keys(job.metadata).length ? [h('dt', {}, 'Metadata'), h('dd', { class: 'mono' }, JSON.stringify(job.metadata))] : '',
        job.answer != null ? [h('dt', {}, 'Answer'), h('dd', { class: 'pre', id: 'job-answer' }, job.answer)] : '',
        job.error ? [h('dt', {}, 'Error'), h('dd', { class: 'error-text' }, `${job.error.code}: ${job.error.message || ''}`)] : '',
        job.last_error ? [h('dt', {}, 'Last error'), h('dd', { class: 'error-text' }, `${job.last_error.code}: ${job.last_error.message || ''}`)] : ''));
    fill(controls, ACTIVE.has(job.status)
      ? h('button', { type: 'button', id: 'cancel-job', class: 'danger', onclick: cancel }, 'Cancel job')
      : h('button', { type: 'button', id: 'submit-again', onclick: again }, 'Submit again'));
    const items = job.artifacts || [];
    fill(artifacts, items.length === 0
      ? h('p', { class: 'muted' }, ACTIVE.has(job.status) ? 'None yet.' : 'None.')
      : h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['Name', 'Type', 'Size', 'SHA-256', ''].map((c) => h('th', {}, c)))),
        h('tbody', {}, items.map((artifact) => h('tr', { class: 'artifact', dataset: { name: artifact.name } },
          h('td', { class: 'mono' }, artifact.name),
          h('td', {}, artifact.content_type),
          h('td', {}, bytes(artifact.size)),
          h('td', { class: 'mono', title: artifact.sha256 }, artifact.sha256.slice(0, 12)),
          h('td', { class: 'buttons' },
            h('button', { type: 'button', class: 'quiet small preview-button', onclick: () => show(artifact) }, 'Preview'),
            h('button', { type: 'button', class: 'quiet small download-button', onclick: () => download(artifact) }, 'Download')))))));
    const webhook = job.webhook;
    fill(deliveries, !webhook
      ? h('p', { class: 'muted' }, 'This job has no webhook.')
      : [h('p', {}, 'Endpoint ', h('span', { class: 'mono' }, webhook.url)),
        (webhook.deliveries || []).length === 0
          ? h('p', { class: 'muted' }, 'Nothing sent yet: the message goes out when the job ends.')
          : webhook.deliveries.map((delivery) => h('div', { class: 'delivery', dataset: { status: delivery.status } },
            h('p', {}, badge(delivery.status), ` ${delivery.event_type} · ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`,
              delivery.next_attempt_at && delivery.status !== 'delivered' ? ` · next ${time(delivery.next_attempt_at)}` : ''),
            h('table', { class: 'table compact' },
              h('thead', {}, h('tr', {}, ['#', 'Sent', 'Took', 'Answer'].map((c) => h('th', {}, c)))),
              h('tbody', {}, (delivery.log || []).map((attempt) => h('tr', {},
                h('td', {}, attempt.attempt),
                h('td', {}, time(attempt.started_at)),
                h('td', {}, duration(attempt.duration_ms)),
                h('td', { class: attempt.status_code >= 200 && attempt.status_code < 300 ? '' : 'error-text' },
                  attempt.status_code ? `HTTP ${attempt.status_code}` : attempt.error || '')))))))]);
  }

  async function cancel() {
    try {
      job = await api.post(path`/jobs/${jobId}/cancel`);
      render();
    } catch (error) {
      context.say(`Cancel failed: ${error.message}`);
    }
  }

  /** There is no retry route: a new job with the same prompt, model and metadata. */
  async function again() {
    try {
      const copy = await api.post('/submit', { prompt: job.prompt, model: job.model, ...(job.metadata ? { metadata: job.metadata } : {}) });
      context.go(`#/jobs/${copy.id}`);
    } catch (error) {
      context.say(`Not submitted: ${error.message}`);
    }
  }

  async function fetchArtifact(artifact, range) {
    const response = await api.request('GET', artifact.url, { accept: '*/*', headers: range ? { Range: range } : {} });
    return response.blob();
  }

  async function show(artifact) {
    preview.hidden = false;
    fill(preview, h('p', { class: 'muted' }, `Loading ${artifact.name}…`));
    const type = (artifact.content_type || '').split(';')[0].trim().toLowerCase();
    try {
      if (type.startsWith('image/')) {
        if (artifact.size > PREVIEW_IMAGE_BYTES) {
          fill(preview, h('p', { class: 'muted' }, 'Too large to preview: download it.'));
          return;
        }
        // a blob: URL, because an <img> cannot send the bearer token; the CSP allows blob: images
        const url = URL.createObjectURL(await fetchArtifact(artifact));
        const image = h('img', { src: url, alt: artifact.name, class: 'preview-image' });
        image.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
        fill(preview, previewHead(artifact), image);
        return;
      }
      if (!(type.startsWith('text/') || type === 'application/json' || type === 'application/xml')) {
        fill(preview, previewHead(artifact), h('p', { class: 'muted' }, `No preview for ${type || 'this type'}: download it.`));
        return;
      }
      // the start only (the API answers ranges), so a large artifact costs no more than a page
      const partial = artifact.size > PREVIEW_BYTES;
      let text = await (await fetchArtifact(artifact, partial ? `bytes=0-${PREVIEW_BYTES - 1}` : null)).text();
      if (type === 'text/csv') {
        if (partial) {
          text = text.slice(0, text.lastIndexOf('\n') + 1);
        }
        const rows = parseCsv(text, PREVIEW_ROWS + 1);
        const [header = [], ...body] = rows;
        fill(preview, previewHead(artifact),
          h('table', { class: 'table csv', id: 'csv-preview' },
            h('thead', {}, h('tr', {}, header.map((cell) => h('th', {}, cell)))),
            h('tbody', {}, body.slice(0, PREVIEW_ROWS).map((row) => h('tr', {}, row.map((cell) => h('td', {}, cell)))))),
          partial || body.length > PREVIEW_ROWS ? h('p', { class: 'muted' }, `The first ${Math.min(body.length, PREVIEW_ROWS)} rows.`) : '');
        return;
      }
      fill(preview, previewHead(artifact), h('pre', { class: 'text-preview', id: 'text-preview' }, text),
        partial ? h('p', { class: 'muted' }, `The first ${bytes(PREVIEW_BYTES)}.`) : '');
    } catch (error) {
      fill(preview, h('p', { class: 'error-text' }, `Preview failed: ${error.message}`));
    }
  }

  function previewHead(artifact) {
    return h('div', { class: 'preview-head' }, h('strong', {}, artifact.name), h('button', {
      type: 'button',
      class: 'quiet small',
      onclick: () => {
        preview.hidden = true;
        preview.replaceChildren();
      },
    }, 'Close'));
  }

  async function download(artifact) {
    try {
      // fetched with the token (a plain link could not send it), then saved under its own name
      const url = URL.createObjectURL(await fetchArtifact(artifact));
      const anchor = h('a', { href: url, download: artifact.name, hidden: true });
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (error) {
      context.say(`Download failed: ${error.message}`);
    }
  }

  function logEvent(event) {
    const data = event.data || {};
    const detail = event.type === 'job.progress' ? `${data.percent ?? ''} % ${data.message || ''}`
      : event.type === 'job.artifact' ? data.name
        : event.type === 'prompt.started' || event.type === 'job.started' ? `attempt ${data.attempt}`
          : data.error ? data.error.code || '' : '';
    events.prepend(h('li', { dataset: { type: event.type } }, h('span', { class: 'mono' }, event.type), ' ', h('span', { class: 'muted' }, detail)));
    while (events.children.length > SHOWN_EVENTS) {
      events.lastElementChild.remove();
    }
  }

  const follower = new Follower({
    api,
    tokenPath: path`/jobs/${jobId}/stream-token`,
    subscription: { job_id: jobId },
    after: 0,
    onEvent(event) {
      if (event.type !== 'message.delta' && event.type !== 'tool_call.delta') {
        logEvent(event);
        loadSoon();
      }
    },
    onState(state, detail) {
      streamState.show(state, detail);
    },
  }).start();
  load();

  return () => {
    live = false;
    follower.close();
    clearTimeout(loading);
    clearTimeout(polling);
  };
}
