import type { Finding } from '../finding.js';
import { type Check, finding } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id to enable, disable and deduplicate by; a level; a falsepositives note; not deprecated. */
export const metadataCheck: Check = {
  name: 'metadata',
  description: 'rules have a UUID id, a level, a falsepositives note, and are not deprecated',
  run(entry) {
    const r = entry.rule;
    const out: Finding[] = [];
    if (r.id === undefined)
      out.push(
        finding(entry, 'metadata', 'warning', 'no id: enable/disable and alerts need one', { field: 'id' }),
      );
    else if (!UUID.test(r.id))
      out.push(finding(entry, 'metadata', 'warning', `id '${r.id}' is not a UUID`, { field: 'id' }));
    if (r.kind === 'filter') return out;
    if (r.level === undefined)
      out.push(finding(entry, 'metadata', 'warning', 'no level', { field: 'level' }));
    if (r.falsepositives.length === 0)
      out.push(
        finding(entry, 'falsepositives', 'warning', 'no falsepositives note', { field: 'falsepositives' }),
      );
    if (r.status === 'deprecated')
      out.push(finding(entry, 'metadata', 'warning', 'rule is deprecated', { field: 'status' }));
    return out;
  },
};
