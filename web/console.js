// The console: alerts and SQL over the API.
// Locally (no /config.json) the API is this origin and the user pastes a token (`npx mantissa token`).
// On AWS the stack uploads /config.json ({apiUrl, clientId, authDomain, ...}, lib/console.ts) and
// the user signs in through Cognito's hosted UI: authorization code with PKCE, the ID token kept
// in sessionStorage only.
// Every value from the API is written with textContent: log content never becomes markup.
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('mantissa-token') ?? '';
/** null: the local server. */
let config = null;

async function loadConfig() {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    // The local server answers 404; CloudFront would answer a missing file with the app shell (HTML).
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return null;
    const value = await res.json();
    return typeof value?.apiUrl === 'string' && value.apiUrl !== '' ? value : null;
  } catch {
    return null;
  }
}

function setToken(value) {
  token = value;
  if (value) sessionStorage.setItem('mantissa-token', value);
  else sessionStorage.removeItem('mantissa-token');
  if (config) {
    $('sign-in').hidden = Boolean(token);
    $('sign-out').hidden = !token;
  }
}

async function api(path, init = {}) {
  // apiUrl is the stage URL ending in '/', e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod/
  const url = config ? new URL(path.replace(/^\//, ''), config.apiUrl) : path;
  const res = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(init.headers ?? {}),
    },
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401 && config) {
    setToken('');
    throw new Error('Signed out (the session expired): sign in again.');
  }
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
// The app client's only callback and sign-out URL (lib/auth.ts).
const redirectUri = () => `${location.origin}/`;

async function signIn() {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem('mantissa-pkce', JSON.stringify({ verifier, state }));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const url = new URL('/oauth2/authorize', config.authDomain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url);
}

/** Back from the hosted UI with ?code=&state= (or ?error=): trade the code for tokens. */
async function finishSignIn(params) {
  const saved = JSON.parse(sessionStorage.getItem('mantissa-pkce') ?? 'null');
  sessionStorage.removeItem('mantissa-pkce');
  history.replaceState(null, '', '/');
  if (params.has('error'))
    throw new Error(`Sign-in failed: ${params.get('error_description') ?? params.get('error')}`);
  if (!saved || params.get('state') !== saved.state)
    throw new Error('Sign-in was not started here: sign in again.');
  const res = await fetch(new URL('/oauth2/token', config.authDomain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code: params.get('code') ?? '',
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  const body = await res.json().catch(() => ({}));
  // The API's Cognito authorizer takes the ID token: it carries the cognito:groups roles come from.
  if (!res.ok || typeof body.id_token !== 'string')
    throw new Error(`Sign-in failed: ${body.error ?? res.status}`);
  setToken(body.id_token);
}

function signOut() {
  setToken('');
  const url = new URL('/logout', config.authDomain);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() }).toString();
  location.assign(url);
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
  return td;
}

async function loadAlerts() {
  const status = $('filter').value;
  const { alerts } = await api(`/api/v1/alerts${status ? `?status=${encodeURIComponent(status)}` : ''}`);
  const body = $('alerts').tBodies[0];
  body.replaceChildren();
  for (const alert of alerts) {
    const row = body.insertRow();
    cell(row, alert.severity, `sev-${alert.severity}`);
    cell(row, alert.status);
    cell(row, alert.lastSeen);
    cell(row, String(alert.count));
    cell(row, alert.title);
    const actions = cell(row, '');
    for (const next of ['acknowledged', 'resolved']) {
      if (alert.status === next) continue;
      const button = document.createElement('button');
      button.textContent = next === 'acknowledged' ? 'Acknowledge' : 'Resolve';
      button.addEventListener('click', () =>
        api(`/api/v1/alerts/${encodeURIComponent(alert.id)}`, {
          method: 'PATCH',
          body: JSON.stringify({ status: next }),
        })
          .then(loadAlerts)
          .catch(show),
      );
      actions.append(button);
    }
  }
  $('status').textContent = '';
}

async function runSql(event) {
  event.preventDefault();
  const result = await api('/api/v1/sql', { method: 'POST', body: JSON.stringify({ sql: $('sql').value }) });
  const head = $('result').tHead;
  head.replaceChildren();
  const headRow = head.insertRow();
  for (const column of result.columns) cell(headRow, `${column.name} (${column.type})`);
  const body = $('result').tBodies[0];
  body.replaceChildren();
  for (const row of result.rows) {
    const tr = body.insertRow();
    for (const column of result.columns) {
      const value = row[column.name];
      cell(tr, value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
  }
  $('status').textContent = result.truncated ? `showing the first ${result.rowCount} rows` : '';
}

function show(err) {
  $('status').textContent = err.message;
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  setToken($('token').value.trim());
  loadAlerts().catch(show);
});
$('sign-in').addEventListener('click', () => signIn().catch(show));
$('sign-out').addEventListener('click', signOut);
$('filter').addEventListener('change', () => loadAlerts().catch(show));
$('sql-form').addEventListener('submit', (event) => runSql(event).catch(show));

async function start() {
  config = await loadConfig();
  if (config) {
    $('login').hidden = true;
    setToken(token);
    const params = new URLSearchParams(location.search);
    if (params.has('code') || params.has('error')) await finishSignIn(params);
  }
  if (token) await loadAlerts();
}
start().catch(show);
