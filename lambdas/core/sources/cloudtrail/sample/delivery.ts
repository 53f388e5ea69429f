/** CloudTrail's S3 delivery: records grouped into gzip objects per account, region and few minutes. */
import { gzipSync } from 'node:zlib';
import type { SampleFile, SampleOptions } from '../../types.js';
import { ALNUM, Rng, streamSeed } from './random.js';
import type { CloudTrailRecord } from './record-types.js';

const seconds = (r: CloudTrailRecord): number => Date.parse(r.eventTime) / 1000;

function deliveryFile(chunk: CloudTrailRecord[], rng: Rng, end: number): SampleFile {
  const head = chunk[0];
  const tail = chunk[chunk.length - 1];
  if (!head || !tail) throw new Error('empty delivery file');
  const { recipientAccountId: account, awsRegion: region } = head;
  // CloudTrail names an object for when it was delivered, a few minutes after its last event.
  const at = new Date(Math.min(seconds(tail) + rng.int(60, 420), end) * 1000).toISOString();
  const [yyyy, mm, dd] = [at.slice(0, 4), at.slice(5, 7), at.slice(8, 10)];
  const stamp = `${yyyy}${mm}${dd}T${at.slice(11, 13)}${at.slice(14, 16)}Z`;
  const name = `${account}_CloudTrail_${region}_${stamp}_${rng.chars(ALNUM, 16)}.json.gz`;
  return {
    path: `AWSLogs/${account}/CloudTrail/${region}/${yyyy}/${mm}/${dd}/${name}`,
    body: gzipSync(JSON.stringify({ Records: chunk })),
  };
}

/** Time-ordered records as S3 delivery objects: one per account and region per 5-15 minutes of events. */
export function deliveryFiles(records: CloudTrailRecord[], opts: SampleOptions): SampleFile[] {
  const rng = new Rng(streamSeed(opts.seed, 'files'));
  const end = Math.floor(opts.end.getTime() / 1000);
  const streams = new Map<string, CloudTrailRecord[]>();
  for (const r of records) {
    const key = `${r.recipientAccountId}/${r.awsRegion}`;
    const list = streams.get(key);
    if (list) list.push(r);
    else streams.set(key, [r]);
  }
  const files: SampleFile[] = [];
  for (const list of streams.values()) {
    let chunk: CloudTrailRecord[] = [];
    let closes = 0;
    for (const r of list) {
      if (chunk.length > 0 && seconds(r) >= closes) {
        files.push(deliveryFile(chunk, rng, end));
        chunk = [];
      }
      if (chunk.length === 0) closes = seconds(r) + rng.int(300, 900);
      chunk.push(r);
    }
    if (chunk.length > 0) files.push(deliveryFile(chunk, rng, end));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
