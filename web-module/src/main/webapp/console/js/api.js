// The public API, called with the bearer token the person signed in with: the console has no
// other way in than any client.

/** A refusal or failure of the API, from its problem+json body (RFC 9457). */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  /** @param {string} token the bearer token; @param {() => void} onUnauthorized called on any 401 */
  constructor(token, onUnauthorized) {
    this.token = token;
    this.onUnauthorized = onUnauthorized;
  }

  /** The raw response of an authorized request; throws ApiError for a problem answer. */
  async request(method, path, { body, headers = {}, accept = 'application/json' } = {}) {
    const init = { method, headers: { Authorization: `Bearer ${this.token}`, Accept: accept, ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (offline) {
      throw new ApiError(0, 'unreachable', 'the server cannot be reached');
    }
    if (response.ok) {
      return response;
    }
    let problem = {};
    try {
      problem = await response.json();
    } catch (notJson) {
      // a bare status from the HTTP layer
    }
    if (response.status === 401 && this.onUnauthorized) {
      this.onUnauthorized();
    }
    throw new ApiError(response.status, problem.code, problem.detail);
  }

  async json(method, path, options) {
    const response = await this.request(method, path, options);
    return response.status === 204 ? null : response.json();
  }

  get(path) {
    return this.json('GET', path);
  }

  post(path, body, headers) {
    return this.json('POST', path, { body, headers });
  }

  del(path) {
    return this.json('DELETE', path);
  }
}

/**
 * The token's claims, for display only (who is signed in, which groups): the server verifies
 * every request, so nothing here is trusted.
 */
export function claims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const text = new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
    const parsed = JSON.parse(text);
    return { subject: parsed.sub || '?', groups: Array.isArray(parsed.groups) ? parsed.groups : [], expires: parsed.exp };
  } catch (malformed) {
    return { subject: '?', groups: [], expires: undefined };
  }
}

/** Path segments from the API's ids, encoded. */
export function path(strings, ...values) {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}
