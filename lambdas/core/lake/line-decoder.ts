import { isUtf8 } from 'node:buffer';
import { RecordError, type TextParser } from '../sources/types.js';
import type { DecodeItem, DecodeOptions } from './decode.js';
import {
  cut,
  firstInvalidUtf8,
  MAX_LINE_BYTES,
  MAX_RAW,
  MAX_RECORD_BYTES,
  splitConcatenated,
  tooBig,
  tryParse,
} from './json-text.js';

type Mode = 'start' | 'json' | 'document' | 'text';

interface Line {
  number: number;
  offset: number;
  text: string;
  bytes: number;
}

/** Splits decompressed bytes into lines and lines into records, holding only the unfinished line. */
export class LineDecoder {
  private mode: Mode = 'start';
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNumber = 0;
  private offset = 0;
  private overlong = false;
  private sawContent = false;
  private emitted = 0;
  private documentLines: Line[] = [];
  private documentBytes = 0;
  private parser?: TextParser;
  private readonly maxRecord: number;
  private readonly maxLine: number;

  constructor(private readonly opts: DecodeOptions) {
    this.maxRecord = opts.maxRecordBytes ?? MAX_RECORD_BYTES;
    this.maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  }

  push(chunk: Buffer): DecodeItem[] {
    const out: DecodeItem[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.pending.length > 0) {
        this.pending.push(piece);
        const line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.finishLine(line, out);
      } else this.finishLine(piece, out);
      start = nl + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start), out);
    this.emitted += out.length;
    return out;
  }

  end(): DecodeItem[] {
    const out: DecodeItem[] = [];
    if (this.pending.length > 0 || this.overlong) {
      const line = Buffer.concat(this.pending);
      this.pending = [];
      this.finishLine(line, out);
    }
    if (this.mode === 'document') this.closeDocument(out);
    if (this.emitted + out.length === 0) {
      // Nothing in, or only empty envelopes and arrays: say so rather than report a silent batch.
      const reason = this.sawContent
        ? 'no records: the object holds only empty envelopes or arrays'
        : 'empty object';
      out.push({ kind: 'reject', position: 'object', reason, raw: '' });
    }
    return out;
  }

  /** The input broke: what was read stays; the unfinished line and the unread rest become one reject. */
  broken(reason: string): DecodeItem[] {
    const out: DecodeItem[] = [];
    if (this.mode === 'document') this.flushDocumentAsLines(out);
    const partial = Buffer.concat(this.pending).toString('utf8');
    this.sawContent = true;
    out.push({
      kind: 'reject',
      position: `line ${this.lineNumber + 1} (decompressed byte offset ${this.offset}) to the end`,
      reason,
      raw: cut(partial),
    });
    return out;
  }

  private hold(piece: Buffer, out: DecodeItem[]): void {
    if (this.overlong) {
      this.offset += piece.length;
      return;
    }
    // Copy: the chunk's buffer may be reused by the stream that produced it.
    this.pending.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
    if (this.pendingBytes > this.maxLine) {
      this.lineNumber += 1;
      this.overlongReject(Buffer.concat(this.pending), out);
      this.offset += this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
      this.overlong = true;
    }
  }

  private overlongReject(bytes: Buffer, out: DecodeItem[]): void {
    this.sawContent = true;
    out.push({
      kind: 'reject',
      position: `line ${this.lineNumber}`,
      reason: `line longer than ${this.maxLine} bytes without a line break (at decompressed byte offset ${this.offset}); its first ${MAX_RAW} bytes are kept`,
      raw: bytes.subarray(0, MAX_RAW).toString('utf8'),
    });
  }

  private finishLine(bytes: Buffer, out: DecodeItem[]): void {
    if (this.overlong) {
      // The tail of a line already rejected as too long.
      this.overlong = false;
      this.offset += bytes.length + 1;
      return;
    }
    this.lineNumber += 1;
    if (bytes.length > this.maxLine) {
      this.overlongReject(bytes, out);
      this.offset += bytes.length + 1;
      return;
    }
    const number = this.lineNumber;
    const offset = this.offset;
    this.offset += bytes.length + 1;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
    let begin = 0;
    if (number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) begin = 3;
    const body = bytes.subarray(begin, end);
    if (!isUtf8(body)) {
      const bad = firstInvalidUtf8(body);
      this.sawContent = true;
      out.push({
        kind: 'reject',
        position: `line ${number}`,
        reason: `not UTF-8: byte 0x${(body[bad] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset + begin + bad} of the (decompressed) object`,
        raw: cut(body.toString('base64')),
      });
      return;
    }
    const text = body.toString('utf8');
    if (text.trim() === '') return;
    this.sawContent = true;
    this.line({ number, offset, text, bytes: body.length }, out);
  }

  private line(line: Line, out: DecodeItem[]): void {
    if (this.mode === 'start') {
      this.mode = this.chooseMode(line);
      if (this.mode === 'text' && this.parser?.headerConsumed) return;
    }
    switch (this.mode) {
      case 'document':
        this.documentLines.push(line);
        this.documentBytes += line.bytes;
        if (this.documentBytes > this.maxLine) {
          this.flushDocumentAsLines(out);
          this.mode = 'json';
        }
        return;
      case 'text':
        this.textLine(line, out);
        return;
      default:
        this.jsonLine(line, out);
    }
  }

  private chooseMode(line: Line): Mode {
    const first = line.text.trimStart()[0];
    if (first === '{' || first === '[') {
      // A first line that is not JSON on its own may open a document spread over many lines.
      return tryParse(line.text).ok ? 'json' : 'document';
    }
    for (const { name, format } of this.opts.textFormats ?? []) {
      const parser = format.open(line.text);
      if (!parser) continue;
      this.parser = parser;
      this.opts.onTextFormat?.(name);
      return 'text';
    }
    return 'json';
  }

  private textLine(line: Line, out: DecodeItem[]): void {
    if (!this.parser) return;
    const position = `line ${line.number}`;
    if (line.bytes > this.maxRecord) {
      out.push(tooBig(position, line.bytes, this.maxRecord, line.text));
      return;
    }
    try {
      out.push({ kind: 'record', position, value: this.parser.parse(line.text), bytes: line.bytes });
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      out.push({ kind: 'reject', position, reason: err.message, raw: cut(line.text) });
    }
  }

  private jsonLine(line: Line, out: DecodeItem[]): void {
    const position = `line ${line.number}`;
    const parsed = tryParse(line.text);
    if (parsed.ok) {
      this.fromDocument(parsed.value, `${position} `, line.text, line.bytes, out);
      return;
    }
    const parts = splitConcatenated(line.text);
    if (parts) {
      parts.forEach((part, i) => {
        this.fromDocument(part.value, `${position} #${i + 1} `, part.text, part.text.length, out);
      });
      return;
    }
    out.push({ kind: 'reject', position, reason: `invalid JSON: ${parsed.error}`, raw: cut(line.text) });
  }

  private closeDocument(out: DecodeItem[]): void {
    const text = this.documentLines.map((l) => l.text).join('\n');
    const parsed = tryParse(text);
    if (parsed.ok) {
      this.fromDocument(parsed.value, '', text, this.documentBytes, out);
      this.documentLines = [];
      this.documentBytes = 0;
    } else this.flushDocumentAsLines(out);
  }

  private flushDocumentAsLines(out: DecodeItem[]): void {
    for (const line of this.documentLines) this.jsonLine(line, out);
    this.documentLines = [];
    this.documentBytes = 0;
  }

  private fromDocument(doc: unknown, at: string, text: string, bytes: number, out: DecodeItem[]): void {
    let inner: unknown[] | undefined;
    try {
      inner = this.opts.unwrap(doc);
    } catch (err) {
      // A source's envelope reader failing on odd input must cost that document, not the object.
      out.push({
        kind: 'reject',
        position: at.trim() || 'object',
        reason: `cannot open the envelope: ${(err as Error).message}`,
        raw: cut(text),
      });
      return;
    }
    const elements = inner ?? (Array.isArray(doc) ? doc : undefined);
    if (!elements) {
      const position = at.trim() || 'object';
      if (bytes > this.maxRecord) out.push(tooBig(position, bytes, this.maxRecord, text));
      else out.push({ kind: 'record', position, value: doc, bytes });
      return;
    }
    const label = inner ? 'record' : 'element';
    const share = elements.length > 0 ? Math.ceil(bytes / elements.length) : 0;
    elements.forEach((value, i) => {
      const position = `${at}${label} ${i}`;
      // Only a line bigger than the limit can hold an element bigger than the limit.
      if (bytes > this.maxRecord) {
        const json = JSON.stringify(value) ?? 'null';
        const size = Buffer.byteLength(json);
        if (size > this.maxRecord) {
          out.push(tooBig(position, size, this.maxRecord, json));
          return;
        }
        out.push({ kind: 'record', position, value, bytes: size });
      } else out.push({ kind: 'record', position, value, bytes: share });
    });
  }
}
