/** The source of "now". Tests inject a frozen clock; production uses the system clock. */
export interface Clock {
  now(): Date;
  /** Whole seconds since the epoch. */
  epochSeconds(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  epochSeconds: () => Math.floor(Date.now() / 1000),
};

/** A clock that stands still until moved; for tests and deterministic tooling. */
export class FixedClock implements Clock {
  #ms: number;
  constructor(at: Date | number) {
    this.#ms = typeof at === 'number' ? at : at.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  epochSeconds(): number {
    return Math.floor(this.#ms / 1000);
  }
  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }
  set(at: Date): void {
    this.#ms = at.getTime();
  }
}
