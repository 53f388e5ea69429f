import { contentId, eventTime, isObject, nativeRow, ownColumns, tableRow, text } from '../custom/native.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { k8sAuditSampleFiles } from './sample.js';
import { k8sAuditSchema } from './schema.js';

const COLUMNS = ownColumns(k8sAuditSchema);

/**
 * Every stage is kept, one row per auditID and stage. Dropping RequestReceived/ResponseStarted would
 * lose records the cluster chose to log (the lake keeps everything or quarantines it with a reason),
 * and ResponseStarted is where a long-running request (exec, attach, port-forward, watch) first shows:
 * its ResponseComplete may come hours later, when the shell closes. Most audit policies already omit
 * RequestReceived; queries that count requests filter stage IN ('ResponseComplete', 'Panic').
 */
export const k8sAudit: SourceModule = {
  name: 'k8s_audit',
  description:
    "Kubernetes audit events: the log backend's NDJSON files, the webhook backend's EventList " +
    '({"kind": "EventList", "items": [...]}), or a JSON array.',
  tables: [k8sAuditSchema],
  keyPatterns: [
    /(^|\/)k8s[-_]audit\//i,
    /(^|\/)kube-apiserver-audit[^/]*\.log$/i,
    /(^|\/)kubernetes\/audit/i,
  ],
  detect(record) {
    // Old (v1beta1) events and Falco's captures may lack apiVersion; auditID and verb are always there.
    return (
      isObject(record) && record.kind === 'Event' && typeof record.auditID === 'string' && 'verb' in record
    );
  },
  unwrap(document) {
    if (isObject(document) && document.kind === 'EventList' && Array.isArray(document.items))
      return document.items;
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    if (record.kind !== undefined && record.kind !== 'Event') {
      throw new RecordError(`kind ${JSON.stringify(record.kind)} is not an audit Event`);
    }
    if (typeof record.verb !== 'string' || record.verb === '')
      throw new RecordError('missing or non-text required field verb');
    // v1beta1 events (clusters before 1.12) carry `timestamp` instead of the stage/received times.
    const ts = eventTime(record, ['stageTimestamp', 'requestReceivedTimestamp', 'timestamp']);
    const auditId = text(record.auditID);
    const stage = text(record.stage) ?? 'ResponseComplete';
    const eventId = auditId ? `${auditId}:${stage}` : contentId('k8s-', record);
    return [tableRow('k8s_audit', nativeRow(record, COLUMNS), ts, eventId, ctx)];
  },
  sample: k8sAuditSampleFiles,
};
