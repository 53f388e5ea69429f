// The local console: alerts and SQL over the API with the token the user pastes.
// Every value from the API is written with textContent: log content never becomes markup.
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('mantissa-token') ?? '';

async function api(path, init = {}) {
  const res = await fetch(path, {
    ...init,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(init.headers ?? {}),
    },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
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
  token = $('token').value.trim();
  sessionStorage.setItem('mantissa-token', token);
  loadAlerts().catch(show);
});
$('filter').addEventListener('change', () => loadAlerts().catch(show));
$('sql-form').addEventListener('submit', (event) => runSql(event).catch(show));
if (token) loadAlerts().catch(show);
