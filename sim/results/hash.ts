/**
 * `resultsHash`: sha256 over the canonical result rows, so equal runs are provably byte-identical.
 * Each row becomes one line (its fields sorted by name, every value as a string); a table is its
 * name, then its lines in run order. The lines of a run can be made where the run was simulated
 * (a pool thread) and hashed later in run order: the hash is the same either way.
 */
import { createHash } from 'node:crypto';

/**
 * A row shape: its own key order, and per sorted key the bytes that open its field
 * (`[` or `,[`, the key as JSON, `,`), so keys are sorted and quoted once per shape, not per row.
 */
interface Shape {
  own: string[];
  sorted: string[];
  open: Uint8Array[];
}

const utf8 = new TextEncoder();
const [OPEN, CLOSE, QUOTE, NEWLINE] = ['[', ']', '"', '\n'].map((c) => c.charCodeAt(0));

/**
 * The bytes of hash lines, written straight into one growing buffer: building each line as a
 * string and encoding it afterwards made a third of a pool thread's time on the baseline, most
 * of it collecting the strings (docs/architecture.md#worker-pool).
 */
class LineBuffer {
  private buf = new Uint8Array(1 << 16);
  private at = 0;
  private shape: Shape | null = null;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.at));
    this.buf = b;
  }

  private bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  private byte(c: number): void {
    this.room(1);
    this.buf[this.at++] = c;
  }

  /**
   * `JSON.stringify(text)`: copied byte for byte where it is printable ASCII without a quote or a
   * backslash (digits, names: nearly every field); anything else goes through JSON.stringify.
   */
  private quoted(text: string): void {
    const n = text.length;
    this.room(n + 2);
    const buf = this.buf;
    let at = this.at;
    buf[at++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) {
        this.bytes(utf8.encode(JSON.stringify(text)));
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = QUOTE;
    this.at = at;
  }

  /** One row: `JSON.stringify(sortedKeys.map((k) => [k, String(row[k])]))` and a newline. */
  line(row: object): void {
    const own = Object.keys(row);
    let shape = this.shape;
    if (!shape || shape.own.length !== own.length || !own.every((k, i) => k === shape!.own[i])) {
      const sorted = [...own].sort();
      shape = this.shape = { own, sorted, open: sorted.map((k, i) => utf8.encode(`${i === 0 ? '' : ','}[${JSON.stringify(k)},`)) };
    }
    this.byte(OPEN);
    for (let i = 0; i < shape.sorted.length; i++) {
      this.bytes(shape.open[i]);
      this.quoted(String((row as Record<string, unknown>)[shape.sorted[i]]));
      this.byte(CLOSE);
    }
    this.byte(CLOSE);
    this.byte(NEWLINE);
  }

  take(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

/** A table's rows as the UTF-8 bytes of their hash lines, in one buffer (it can cross threads by transfer). */
export function lineBytes(rows: readonly object[]): Uint8Array {
  const b = new LineBuffer();
  for (const r of rows) b.line(r);
  return b.take();
}

/** A table's rows as hash lines, in chunks (one string per chunk keeps V8's string limit far away). */
export function hashLines(rows: readonly object[], chunk = 20_000): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += chunk) out.push(Buffer.from(lineBytes(rows.slice(i, i + chunk))).toString('utf8'));
  return out;
}

/** The hash of tables given as lines (each table's chunks in order). */
export function hashOfLines(tables: Record<string, readonly string[]>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(tables).sort()) {
    h.update(`#${name}\n`);
    for (const chunk of tables[name]) h.update(chunk);
  }
  return h.digest('hex');
}

export function resultsHash(tables: Record<string, object[]>): string {
  return hashOfLines(Object.fromEntries(Object.entries(tables).map(([k, rows]) => [k, hashLines(rows)])));
}
