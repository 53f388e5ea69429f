export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved: for tests and replays. */
export function fixedClock(at: Date): Clock & { set(to: Date): void } {
  let current = at;
  return {
    now: () => new Date(current.getTime()),
    set: (to: Date) => {
      current = to;
    },
  };
}
