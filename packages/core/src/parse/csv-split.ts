/**
 * Streaming CSV record splitter (RFC 4180: quoted fields with commas, doubled quotes and line breaks; LF or
 * CRLF). Records without a quote character take a fast path (`indexOf` for the line break and each comma,
 * no per-field strings); records with one go through a small quote-aware scanner. See csv.ts for why this
 * is hand-written rather than uDSV or PapaParse.
 */

/**
 * Receives one record: field i is `src[starts[i], ends[i])` for i < count; `raw` is the record's text without
 * its line break (the `input` kept for quarantine). The arrays are reused: read them before returning.
 */
export type RecordSink = (src: string, starts: Int32Array, ends: Int32Array, count: number, raw: string) => void;

const QUOTE = 34;
const COMMA = 44;
const CR = 13;

/** Splits decoded text into records, whatever the chunk boundaries. Blank lines are skipped. */
export class CsvSplitter {
  private carry = "";
  private started = false;
  private starts = new Int32Array(32);
  private ends = new Int32Array(32);

  /** @param maxRecordChars a record longer than this is an error (an unclosed quote, or not a CSV at all). */
  constructor(private readonly maxRecordChars: number) {}

  /** Emits the records completed by `text`; returns an error sentence instead when a record is too long. */
  push(text: string, sink: RecordSink): string | null {
    let s = text;
    let pos = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) pos = 1;
    }
    if (this.carry.length > 0) {
      // Finish the carried record on its own small string, then scan `text` itself: a flat string reads
      // ~30 % faster per character than the concatenation `carry + text`.
      const nl = text.indexOf("\n");
      const first = this.carry + (nl < 0 ? text : text.slice(0, nl + 1));
      this.carry = "";
      const left = this.scan(first, 0, sink);
      if (nl < 0) {
        this.carry = first.slice(left);
        return this.carry.length > this.maxRecordChars ? this.tooLong() : null;
      }
      if (left < first.length)
        s = first.slice(left) + text.slice(nl + 1); // a quoted record spans more lines
      else pos = nl + 1;
    }
    const left = this.scan(s, pos, sink);
    this.carry = left === 0 ? s : s.slice(left);
    return this.carry.length > this.maxRecordChars ? this.tooLong() : null;
  }

  /** Emits every complete record of `s` from `pos`; returns where the incomplete rest starts. */
  private scan(s: string, from: number, sink: RecordSink): number {
    let pos = from;
    let quote = -1;
    for (;;) {
      const nl = s.indexOf("\n", pos);
      if (nl < 0) return pos;
      if (quote < pos) {
        quote = s.indexOf('"', pos);
        if (quote < 0) quote = s.length;
      }
      if (quote < nl) {
        const next = this.quoted(s, pos, false, sink);
        if (next < 0) return pos;
        pos = next;
        continue;
      }
      const end = nl > pos && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      this.plain(s, pos, end, sink);
      pos = nl + 1;
    }
  }

  /** Emits the last record (one without a final line break); returns an error sentence for an unclosed quote. */
  end(sink: RecordSink): string | null {
    const s = this.carry;
    this.carry = "";
    if (s.length === 0) return null;
    if (s.indexOf('"') < 0) {
      this.plain(s, 0, s.charCodeAt(s.length - 1) === CR ? s.length - 1 : s.length, sink);
      return null;
    }
    let pos = 0;
    while (pos < s.length) {
      const c = s.charCodeAt(pos);
      if (c === 10 || c === CR) {
        pos++;
        continue;
      }
      pos = this.quoted(s, pos, true, sink);
      if (pos < 0)
        return `a quoted field is never closed: the record starting "${s.slice(0, 60)}…" runs to the end of the file`;
    }
    return null;
  }

  private tooLong(): string {
    return `a record is longer than ${this.maxRecordChars} characters (it starts "${this.carry.slice(0, 60)}"): a quoted field is probably never closed, or this is not a CSV file`;
  }

  /** A record without quotes in `s[pos, end)`. */
  private plain(s: string, pos: number, end: number, sink: RecordSink): void {
    if (end === pos || (s.charCodeAt(pos) <= 32 && s.slice(pos, end).trim() === "")) return;
    let count = 0;
    let a = pos;
    for (;;) {
      if (count === this.starts.length) this.grow();
      let b = s.indexOf(",", a);
      if (b < 0 || b > end) b = end;
      this.starts[count] = a;
      this.ends[count] = b;
      count++;
      if (b === end) break;
      a = b + 1;
    }
    sink(s, this.starts, this.ends, count, s.slice(pos, end));
  }

  /**
   * A record holding quotes, starting at `pos`. Returns the index after its line break, or -1 when the record
   * continues past the end of `s` (wait for more text; at the end of the file, an unclosed quote).
   */
  private quoted(s: string, pos: number, atEof: boolean, sink: RecordSink): number {
    const fields: string[] = [];
    let i = pos;
    for (;;) {
      let value = "";
      if (s.charCodeAt(i) === QUOTE) {
        let j = i + 1;
        for (;;) {
          const k = s.indexOf('"', j);
          if (k < 0) return -1;
          value += s.slice(j, k);
          if (k + 1 === s.length && !atEof) return -1; // the next chunk may start with the second quote of `""`
          if (s.charCodeAt(k + 1) !== QUOTE) {
            i = k + 1;
            break;
          }
          value += '"';
          j = k + 2;
        }
      }
      // Unquoted text, or text after a closing quote (`"a"b` is read leniently as `ab`): up to `,` or a line break.
      let stop = i;
      while (stop < s.length) {
        const c = s.charCodeAt(stop);
        if (c === COMMA || c === 10) break;
        stop++;
      }
      if (stop === s.length && !atEof) return -1;
      const text =
        stop > i && s.charCodeAt(stop - 1) === CR && s.charCodeAt(stop) !== COMMA
          ? s.slice(i, stop - 1)
          : s.slice(i, stop);
      fields.push(value + text);
      if (stop < s.length && s.charCodeAt(stop) === COMMA) {
        i = stop + 1;
        continue;
      }
      const rawEnd = stop > pos && s.charCodeAt(stop - 1) === CR ? stop - 1 : stop;
      this.emitFields(fields, s.slice(pos, rawEnd), sink);
      return stop + 1;
    }
  }

  /** Hands unescaped field strings to the sink as one flat string with boundaries. */
  private emitFields(fields: string[], raw: string, sink: RecordSink): void {
    while (fields.length > this.starts.length) this.grow();
    let offset = 0;
    for (let f = 0; f < fields.length; f++) {
      this.starts[f] = offset;
      offset += fields[f]?.length ?? 0;
      this.ends[f] = offset;
    }
    sink(fields.join(""), this.starts, this.ends, fields.length, raw);
  }

  private grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}
