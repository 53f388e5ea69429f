import { gunzipSync } from 'node:zlib';

/** A record as read from an object, with where it was found. */
export interface DecodedRecord {
  position: string;
  value: unknown;
}

/** Something in an object that is not a usable record, kept with the reason. */
export interface Reject {
  position: string;
  reason: string;
  /** The offending text (or base64 bytes), cut to a size quarantine can hold. */
  raw: string;
}

export interface Decoded {
  records: DecodedRecord[];
  rejects: Reject[];
}

const MAX_RAW = 1_048_576;

function cut(text: string): string {
  return text.length > MAX_RAW ? `${text.slice(0, MAX_RAW)}…[cut at ${MAX_RAW} characters]` : text;
}

/**
 * Reads an object's bytes as a provider delivers them: gzip or not; one JSON document (an envelope
 * that `unwrap` opens, a JSON array of records, or a single record) or NDJSON, one record a line.
 * Nothing is dropped: every line or element that cannot be read becomes a reject with its position.
 */
export function decodeObject(body: Uint8Array, unwrap: (doc: unknown) => unknown[] | undefined): Decoded {
  let bytes = body;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      return {
        records: [],
        rejects: [
          {
            position: 'object',
            reason: `corrupt gzip: ${(err as Error).message}`,
            raw: Buffer.from(body).toString('base64'),
          },
        ],
      };
    }
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim() === '')
    return { records: [], rejects: [{ position: 'object', reason: 'empty object', raw: '' }] };

  const whole = tryParse(text);
  if (whole.ok) return { records: fromDocument(whole.value, '', unwrap), rejects: [] };

  const records: DecodedRecord[] = [];
  const rejects: Reject[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const position = `line ${i + 1}`;
    const parsed = tryParse(line);
    if (!parsed.ok) {
      rejects.push({ position, reason: `invalid JSON: ${parsed.error}`, raw: cut(line) });
      return;
    }
    records.push(...fromDocument(parsed.value, `${position} `, unwrap));
  });
  return { records, rejects };
}

function fromDocument(
  doc: unknown,
  at: string,
  unwrap: (doc: unknown) => unknown[] | undefined,
): DecodedRecord[] {
  const inner = unwrap(doc);
  if (inner) return inner.map((value, i) => ({ position: `${at}Records[${i}]`.trim(), value }));
  if (Array.isArray(doc)) return doc.map((value, i) => ({ position: `${at}[${i}]`.trim(), value }));
  return [{ position: at.trim() || 'object', value: doc }];
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
