import {
  CORE_SCHEMA,
  EVENT_ID,
  type Event,
  getScalarValue,
  loadAll,
  parseEvents,
  YAMLException,
} from 'js-yaml';
import { SigmaError } from './errors.js';

/** A YAML document with the 1-based line of every key and list item, addressed by path. */
export interface YamlDocument {
  value: unknown;
  /** 1-based line of the document's first node. */
  line: number;
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * Loads every document of a YAML text. CORE_SCHEMA keeps `2023-06-16` a string (the default schema
 * would make it a Date) and `yes` a string, as YAML 1.2 and pySigma read them.
 */
export function loadYamlDocuments(text: string, file?: string): YamlDocument[] {
  let values: unknown[];
  let events: Event[];
  try {
    values = loadAll(text, { schema: CORE_SCHEMA, filename: file });
    events = parseEvents(text, { filename: file });
  } catch (err) {
    if (err instanceof YAMLException) {
      throw new SigmaError(`invalid YAML: ${err.reason}`, { file, line: (err.mark?.line ?? 0) + 1 });
    }
    throw err;
  }
  const maps = positionMaps(text, events);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return values.map((value, i) => {
    const map = maps[i] ?? new Map<string, number>();
    return {
      value,
      line: lineAt(map.get(pathKey([])) ?? 0),
      lineOf(path) {
        // Fall back to the closest ancestor that has a position, so errors always carry a line.
        for (let n = path.length; n >= 0; n--) {
          const offset = map.get(pathKey(path.slice(0, n)));
          if (offset !== undefined) return lineAt(offset);
        }
        return undefined;
      },
    };
  });
}

function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

interface Frame {
  kind: 'map' | 'seq';
  path: (string | number)[];
  /** Mapping: true when the next node is a key. */
  expectKey: boolean;
  key: string;
  /** Sequence: the index of the next item. */
  index: number;
}

/** One map per document: path of each node -> offset where it starts (a key's offset for values). */
function positionMaps(text: string, events: Event[]): Map<string, number>[] {
  const maps: Map<string, number>[] = [];
  let map = new Map<string, number>();
  const stack: Frame[] = [];
  // Records where a value node starts and returns its path; keys are recorded when they are read.
  const place = (offset: number): (string | number)[] => {
    const top = stack[stack.length - 1];
    if (!top) {
      map.set(pathKey([]), offset);
      return [];
    }
    if (top.kind === 'seq') {
      const path = [...top.path, top.index++];
      map.set(pathKey(path), offset);
      return path;
    }
    top.expectKey = true;
    return [...top.path, top.key];
  };
  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        map = new Map();
        maps.push(map);
        stack.length = 0;
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const top = stack[stack.length - 1];
        // A collection used as a mapping key is legal YAML but never Sigma; give it a dummy name.
        if (top?.kind === 'map' && top.expectKey) {
          top.key = '?';
          top.expectKey = false;
        }
        const path = place(ev.start);
        stack.push({
          kind: ev.type === EVENT_ID.MAPPING ? 'map' : 'seq',
          path,
          expectKey: true,
          key: '',
          index: 0,
        });
        break;
      }
      case EVENT_ID.SCALAR: {
        const top = stack[stack.length - 1];
        if (top?.kind === 'map' && top.expectKey) {
          top.key = getScalarValue(text, ev);
          top.expectKey = false;
          const path = pathKey([...top.path, top.key]);
          if (!map.has(path)) map.set(path, ev.valueStart);
          break;
        }
        place(ev.valueStart);
        break;
      }
      case EVENT_ID.ALIAS:
        place(ev.anchorStart);
        break;
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  return maps;
}
