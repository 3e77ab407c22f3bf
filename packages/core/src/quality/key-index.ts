const INITIAL_CAPACITY = 8;
const EMPTY = -1;

/**
 * The keys of one series (minute since the epoch → 32-bit fingerprint of the first record with that ts), in
 * typed arrays: about 8–16 bytes a key, no boxing, nothing for the GC to trace. Tuned for files sorted by time
 * either way: while minutes move in one direction they are appended to an ordered part (binary search finds
 * them again); minutes out of that order go to an open-addressing hash table.
 * e.g. `if (!index.find(minute)) index.add(minute, fingerprint)`.
 */
export class KeyIndex {
  private minutes: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private prints: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  /** 1 ascending, -1 descending, 0 not known yet (fewer than two keys). */
  private direction = 0;
  private readonly table = new HashTable();
  /** The fingerprint `find` found: read it right after a `true`. */
  found = 0;

  /** True when the minute is known; its fingerprint is then in `found`. Minutes are integers ≥ 0. */
  find(minute: number): boolean {
    const size = this.size;
    if (size > 0 && (minute | 0) === minute) {
      const last = this.minutes[size - 1] as number;
      // A sorted file's next key lies beyond the last one. Nothing known lies there: the ordered part ends at
      // `last`, and the table only holds minutes that were behind it when they came.
      const beyond = (this.direction >= 0 && minute > last) || (this.direction <= 0 && minute < last);
      if (beyond) return false;
      const at = this.search(minute);
      if (at >= 0) {
        this.found = this.prints[at] as number;
        return true;
      }
    }
    if (this.table.size === 0 || !this.table.find(minute)) return false;
    this.found = this.table.found;
    return true;
  }

  /** Remembers a minute `find` did not know. */
  add(minute: number, fingerprint: number): void {
    const size = this.size;
    const last = size > 0 ? (this.minutes[size - 1] as number) : 0;
    const inOrder =
      (minute | 0) === minute &&
      (size === 0 || (this.direction >= 0 && minute > last) || (this.direction <= 0 && minute < last));
    if (!inOrder) {
      this.table.add(minute, fingerprint);
      return;
    }
    if (size === 1) this.direction = minute > last ? 1 : -1;
    if (size === this.minutes.length) {
      this.minutes = grown(this.minutes);
      this.prints = grown(this.prints);
    }
    this.minutes[size] = minute;
    this.prints[size] = fingerprint;
    this.size = size + 1;
  }

  /** Binary search of the ordered part: the index of `minute` or -1. */
  private search(minute: number): number {
    const ascending = this.direction >= 0;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.minutes[mid] as number;
      if (value === minute) return mid;
      if (value < minute === ascending) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

function grown(array: Int32Array): Int32Array {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}

/** Linear-probing hash table of int32 keys ≥ 0 (EMPTY = -1 marks free slots); larger keys go to a Map. */
class HashTable {
  private keys: Int32Array = new Int32Array(0);
  private values: Int32Array = new Int32Array(0);
  private mask = -1;
  private wide: Map<number, number> | undefined;
  size = 0;
  found = 0;

  find(key: number): boolean {
    if ((key | 0) !== key || key < 0) {
      const value = this.wide?.get(key);
      if (value === undefined) return false;
      this.found = value;
      return true;
    }
    if (this.mask < 0) return false;
    for (let slot = hash(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = this.keys[slot] as number;
      if (at === EMPTY) return false;
      if (at === key) {
        this.found = this.values[slot] as number;
        return true;
      }
    }
  }

  /** Adds a key `find` did not know. */
  add(key: number, value: number): void {
    this.size++;
    if ((key | 0) !== key || key < 0) {
      this.wide ??= new Map();
      this.wide.set(key, value);
      return;
    }
    // Grow at half full: probes stay short and the table stays a few MB per million keys.
    if (this.size * 2 > this.keys.length) this.resize(Math.max(16, this.keys.length * 2));
    this.put(key, value);
  }

  private put(key: number, value: number): void {
    let slot = hash(key) & this.mask;
    while (this.keys[slot] !== EMPTY) slot = (slot + 1) & this.mask;
    this.keys[slot] = key;
    this.values[slot] = value;
  }

  private resize(capacity: number): void {
    const { keys, values } = this;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot] as number;
      if (key !== EMPTY) this.put(key, values[slot] as number);
    }
  }
}

function hash(key: number): number {
  // Fibonacci hashing spreads consecutive minutes (sorted-ish files) over the table.
  const h = Math.imul(key, 0x9e3779b1);
  return h ^ (h >>> 16);
}
