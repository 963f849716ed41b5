/**
 * A byte-level, streaming CSV tokenizer: finds records and fields in UTF-8 bytes fed in chunks of any size.
 *
 * Why bytes and not papaparse's strings: every kept row needs its exact byte range in the file (for its SHA-256
 * and for exporting it byte for byte later), which papaparse, working on decoded text, cannot give; and a
 * numeric cell can be parsed from the bytes without making a string for it. Papaparse still sniffs the
 * delimiter (sniff.ts), and tokenizer.test.ts checks that this tokenizer splits fields exactly as papaparse
 * does on well-formed input.
 *
 * Rules (RFC 4180, with papaparse's leniencies where they are harmless):
 * - A record ends at LF, CRLF or a lone CR outside quotes; a row's text excludes its line break.
 * - A quote opens a quoted field only as the field's first byte; elsewhere it is an ordinary character.
 *   Inside quotes, delimiters and line breaks are text and `""` is one quote. The closing quote may be followed
 *   by spaces or tabs before the delimiter or line end (papaparse allows this too); anything else after it is
 *   a syntax error (papaparse would silently reopen the field and swallow the rest of the line).
 * - Lines count every line break, inside quotes too, so a record's line is the line it starts on.
 * - A zero-length line is not a record (blank lines and the trailing newline are skipped).
 */

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

const FIELD_START = 0;
const UNQUOTED = 1;
const IN_QUOTES = 2;
/** A quote seen inside quotes: the closing quote, or the first half of `""`. */
const AFTER_QUOTE = 3;
/** Spaces after a closing quote. */
const AFTER_CLOSE = 4;

/** Receives each record: its bytes are `bytes[start..end)`, field k ends at `start + fieldEnds[k]`. */
export interface RecordSink {
  /**
   * `fieldEnds` holds `fieldCount` offsets relative to `start` (field k starts one byte after field k-1's end,
   * field 0 at `start`); it is reused, so read it before returning. `line` is the 1-based line the record
   * starts on, `fileOffset` the file offset of `bytes[start]`.
   */
  record(
    bytes: Uint8Array,
    start: number,
    end: number,
    fieldEnds: Int32Array,
    fieldCount: number,
    line: number,
    fileOffset: number,
  ): void;
}

/** A quoting error, with where the quoted field starts. */
export class CsvSyntaxError extends Error {
  constructor(
    /** 1-based line where the quoted field opens. */
    readonly line: number,
    /** 0-based index of the field in its record. */
    readonly field: number,
    /** The character after the closing quote; undefined when the quote never closes. */
    readonly after: string | undefined,
  ) {
    super(
      after === undefined
        ? `quote opened on line ${line} is never closed`
        : `unexpected ${after} after quote`,
    );
    this.name = 'CsvSyntaxError';
  }
}

/** Streaming record splitter; see the module comment for the rules. */
export class CsvTokenizer {
  private readonly delimiter: number;
  private state = FIELD_START;
  private fieldEnds: Int32Array = new Int32Array(64);
  private fieldCount = 0;
  /** Bytes of a record that began in an earlier chunk. */
  private pending: Uint8Array = new Uint8Array(4096);
  private pendingLength = 0;
  /** The last byte fed was a CR at the end of a chunk: an LF starting the next chunk belongs to it. */
  private afterCR = false;
  /** Line number at the current position. */
  private line = 1;
  private recordLine = 1;
  private recordFileOffset = 0;
  /** File offset of the next byte to be fed. */
  private fileOffset = 0;
  private quoteLine = 0;
  private quoteField = 0;

  constructor(
    delimiter: string,
    private readonly sink: RecordSink,
    /** File offset of the first byte fed (e.g. 3 after a skipped byte-order mark). */
    startOffset = 0,
  ) {
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f) {
      throw new Error(`The delimiter must be one ASCII character, got ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.fileOffset = startOffset;
    this.recordFileOffset = startOffset;
  }

  /** The 1-based line number at the current position (the line the next record would start on). */
  get currentLine(): number {
    return this.line;
  }

  /** Feeds the next chunk; calls the sink for every record completed in it. Throws CsvSyntaxError. */
  feed(bytes: Uint8Array): void {
    const n = bytes.length;
    const chunkOffset = this.fileOffset;
    this.fileOffset += n;
    let i = 0;
    if (this.afterCR && n > 0) {
      this.afterCR = false;
      if (bytes[0] === LF) {
        // The LF completes a CRLF whose CR ended the previous chunk; the line was counted at the CR.
        i = 1;
        if (this.state === FIELD_START && this.fieldCount === 0 && this.pendingLength === 0) {
          this.recordFileOffset++;
        }
      }
    }
    // Where the current record starts in `bytes`; -1 while it started in an earlier chunk (held in `pending`).
    // With nothing pending no record is under way: every byte of a record in progress is kept in `pending`.
    let recordStart = this.pendingLength > 0 ? -1 : i;
    const delimiter = this.delimiter;
    let state = this.state;
    let fieldCount = this.fieldCount;
    let fieldEnds = this.fieldEnds;
    // Offsets are stored relative to the record start: `i - base`.
    let base = recordStart >= 0 ? recordStart : -this.pendingLength;
    let line = this.line;
    for (; i < n; i++) {
      let c = bytes[i];
      if (state === UNQUOTED || (state === FIELD_START && c !== QUOTE)) {
        // The hot path: run to the end of an unquoted field in a tight loop.
        while (c !== delimiter && c !== LF && c !== CR) {
          if (++i === n) break;
          c = bytes[i];
        }
        if (i === n) {
          state = UNQUOTED;
          break;
        }
        if (c === delimiter) {
          if (fieldCount === fieldEnds.length) fieldEnds = this.growFieldEnds();
          fieldEnds[fieldCount++] = i - base;
          state = FIELD_START;
          continue;
        }
      } else if (state === FIELD_START) {
        state = IN_QUOTES;
        this.quoteLine = line;
        this.quoteField = fieldCount;
        continue;
      } else if (state === IN_QUOTES) {
        if (c === QUOTE) state = AFTER_QUOTE;
        else if (c === LF) line++;
        else if (c === CR) {
          if (i + 1 < n) {
            if (bytes[i + 1] !== LF) line++;
          } else {
            // Count it now; an LF opening the next chunk is then skipped by the afterCR check.
            line++;
            this.afterCR = true;
          }
        }
        continue;
      } else {
        // AFTER_QUOTE or AFTER_CLOSE
        if (c === QUOTE && state === AFTER_QUOTE) {
          state = IN_QUOTES;
          continue;
        }
        if (c === SPACE || (c === TAB && delimiter !== TAB)) {
          state = AFTER_CLOSE;
          continue;
        }
        if (c === delimiter) {
          if (fieldCount === fieldEnds.length) fieldEnds = this.growFieldEnds();
          fieldEnds[fieldCount++] = i - base;
          state = FIELD_START;
          continue;
        }
        if (c !== LF && c !== CR) {
          this.state = state;
          this.line = line;
          throw new CsvSyntaxError(this.quoteLine, this.quoteField, afterQuoteText(bytes, i));
        }
      }
      // A line break outside quotes: the record ends at i.
      let recordBytes = bytes;
      let start = recordStart;
      let end = i;
      if (recordStart < 0) {
        this.appendPending(bytes, 0, i);
        recordBytes = this.pending;
        start = 0;
        end = this.pendingLength;
      }
      if (end > start || fieldCount > 0) {
        if (fieldCount === fieldEnds.length) fieldEnds = this.growFieldEnds();
        fieldEnds[fieldCount++] = end - start;
        this.fieldEnds = fieldEnds;
        this.line = line;
        this.sink.record(
          recordBytes,
          start,
          end,
          fieldEnds,
          fieldCount,
          this.recordLine,
          this.recordFileOffset,
        );
      }
      this.pendingLength = 0;
      fieldCount = 0;
      state = FIELD_START;
      line++;
      let next = i + 1;
      if (c === CR) {
        if (next < n) {
          if (bytes[next] === LF) next++;
        } else {
          this.afterCR = true;
        }
      }
      i = next - 1;
      recordStart = next;
      base = next;
      this.recordLine = line;
      this.recordFileOffset = chunkOffset + next;
    }
    // Keep the unfinished record's bytes for the next chunk.
    if (recordStart < 0) this.appendPending(bytes, 0, n);
    else if (recordStart < n) this.appendPending(bytes, recordStart, n);
    this.state = state;
    this.fieldCount = fieldCount;
    this.fieldEnds = fieldEnds;
    this.line = line;
  }

  /** Ends the input: emits a last record that had no line break. Throws CsvSyntaxError for an open quote. */
  finish(): void {
    if (this.state === IN_QUOTES) throw new CsvSyntaxError(this.quoteLine, this.quoteField, undefined);
    if (this.pendingLength > 0 || this.fieldCount > 0) {
      if (this.fieldCount === this.fieldEnds.length) this.growFieldEnds();
      this.fieldEnds[this.fieldCount++] = this.pendingLength;
      this.sink.record(
        this.pending,
        0,
        this.pendingLength,
        this.fieldEnds,
        this.fieldCount,
        this.recordLine,
        this.recordFileOffset,
      );
    }
    this.pendingLength = 0;
    this.fieldCount = 0;
    this.state = FIELD_START;
  }

  private growFieldEnds(): Int32Array {
    const grown = new Int32Array(this.fieldEnds.length * 2);
    grown.set(this.fieldEnds);
    this.fieldEnds = grown;
    return grown;
  }

  private appendPending(bytes: Uint8Array, from: number, to: number): void {
    const need = this.pendingLength + (to - from);
    if (need > this.pending.length) {
      let size = this.pending.length * 2;
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(bytes.subarray(from, to), this.pendingLength);
    this.pendingLength = need;
  }
}

/** The character at `bytes[i]` for a message (a whole UTF-8 sequence when it starts one). */
function afterQuoteText(bytes: Uint8Array, i: number): string {
  const c = bytes[i];
  const length = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
  return new TextDecoder().decode(bytes.subarray(i, Math.min(bytes.length, i + length)));
}
