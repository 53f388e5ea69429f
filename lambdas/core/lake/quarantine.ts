import { gzipSync } from 'node:zlib';
import type { Reject } from './decode.js';

const MEMBER_TEXT = 4 * 1_048_576;

/**
 * Collects a batch's rejects as gzip NDJSON (`{source_object, position, reason, record}` a line).
 * Text is compressed every few MiB into its own gzip member (concatenated members are one valid
 * gzip stream), so a batch of garbage costs its compressed size, not its text.
 */
export class QuarantineWriter {
  count = 0;
  /** The first 20, for people reading the report. */
  readonly reasons: { position: string; reason: string }[] = [];
  private readonly members: Uint8Array[] = [];
  private text = '';

  constructor(private readonly sourceObject: string) {}

  add(reject: Reject): void {
    this.count += 1;
    if (this.reasons.length < 20) this.reasons.push({ position: reject.position, reason: reject.reason });
    this.text += `${JSON.stringify({
      source_object: this.sourceObject,
      position: reject.position,
      reason: reject.reason,
      record: reject.raw,
    })}\n`;
    if (this.text.length >= MEMBER_TEXT) this.seal();
  }

  /** The gzip body, or undefined when nothing was rejected. */
  body(): Uint8Array | undefined {
    this.seal();
    return this.members.length > 0 ? Buffer.concat(this.members) : undefined;
  }

  private seal(): void {
    if (this.text === '') return;
    this.members.push(gzipSync(this.text));
    this.text = '';
  }
}
