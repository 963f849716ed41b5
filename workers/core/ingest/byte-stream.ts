/**
 * The byte side of a streaming CSV import: the size limit, the file's SHA-256, the text check (no NUL byte; valid
 * UTF-8 once a non-ASCII byte has been seen, through a fatal streaming TextDecoder), the UTF-8 byte-order mark, the
 * delimiter sniffed from the first 64 KiB when none is given, and the tokenizer that hands records to a sink.
 */
import { SNIFF_BYTES } from './csv-bytes';
import { IngestError } from './ingest-error';
import { notUtf8, tooManyBytes } from './problems';
import { Sha256 } from './sha256';
import { sniffDelimiter } from './sniff';
import { CsvTokenizer, type RecordSink } from './tokenizer';
import type { Problem } from './types';
import {
  binarySignature,
  countLineBreaks,
  firstInvalidUtf8,
  firstNonAscii,
  invalidByteDetail,
  nulByteDetail,
} from './utf8';

const BOM = [0xef, 0xbb, 0xbf];

/** What the byte stream needs to know of its file. */
export interface ByteStreamOptions {
  file: string;
  /** The file's size as the file system reports it (checked against `maxBytes` at once). */
  totalBytes: number;
  maxBytes: number;
  /** Whether to compute the file's SHA-256. */
  hashing: boolean;
  /** The delimiter, or null to sniff it. */
  delimiter: string | null;
}

/** Streams a file's bytes, checked, into a CSV tokenizer feeding `sink`. Errors throw `IngestError`. */
export class CsvByteStream {
  private bytesSeen = 0;
  private readonly fileHash = new Sha256();
  /** The file's first bytes: for the byte-order mark and, on a decoding error, its signature. */
  private readonly start = new Uint8Array(8);
  private startLength = 0;
  private bomDecided = false;
  private bomLength = 0;
  /** Bytes held until the delimiter is sniffed. */
  private sniffChunks: Uint8Array[] = [];
  private sniffLength = 0;
  private tokenizer: CsvTokenizer | null = null;
  private delimiterUsed: string | null;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly decoder = new TextDecoder('utf-8');
  /** Set once a non-ASCII byte is seen: from then on every chunk goes through the fatal decoder. */
  private utf8Active = false;

  constructor(
    private readonly options: ByteStreamOptions,
    private readonly sink: RecordSink,
  ) {
    this.delimiterUsed = options.delimiter;
  }

  /** Bytes pushed so far. */
  get bytes(): number {
    return this.bytesSeen;
  }

  /** The delimiter in use (',' until one is known). */
  get delimiter(): string {
    return this.delimiterUsed ?? ',';
  }

  /** Hex SHA-256 of every byte pushed ('' when not hashing). */
  sha256(): string {
    return this.options.hashing ? this.fileHash.hex() : '';
  }

  /** Adds the next chunk. */
  push(chunk: Uint8Array): void {
    this.bytesSeen += chunk.length;
    const { maxBytes, totalBytes, file } = this.options;
    if (totalBytes > maxBytes || this.bytesSeen > maxBytes) {
      throw new IngestError([tooManyBytes(file, Math.max(totalBytes, this.bytesSeen), maxBytes)]);
    }
    for (let k = 0; this.startLength < this.start.length && k < chunk.length; k++) {
      this.start[this.startLength++] = chunk[k];
    }
    if (this.options.hashing) this.fileHash.update(chunk);
    this.checkText(chunk);
    let rest = chunk;
    if (!this.bomDecided) {
      // Compare the file's first bytes (held in `start`, however the chunks split them) with the BOM.
      const seen = Math.min(this.startLength, BOM.length);
      let matches = true;
      for (let k = 0; k < seen; k++) if (this.start[k] !== BOM[k]) matches = false;
      if (matches && seen < BOM.length) return; // wait for more bytes; they are in `start` already
      this.bomDecided = true;
      const consumedBefore = this.bytesSeen - chunk.length;
      if (matches) {
        this.bomLength = BOM.length;
        rest = chunk.subarray(BOM.length - consumedBefore);
      } else if (consumedBefore > 0) {
        // Bytes held back from earlier chunks, which looked like the start of a BOM but were not.
        this.route(this.start.slice(0, consumedBefore));
      }
    }
    this.route(rest);
  }

  /** Ends the file: routes what is held, checks the last characters are whole, and ends the last record. */
  end(): void {
    if (!this.bomDecided) {
      this.bomDecided = true;
      this.route(this.start.slice(0, Math.min(this.startLength, this.bytesSeen)));
    }
    if (this.tokenizer === null) this.startTokenizer(false);
    if (this.utf8Active) {
      try {
        this.utf8.decode();
      } catch {
        const line = this.tokenizer?.currentLine;
        throw new IngestError([
          notUtf8(this.options.file, 'it ends in the middle of a multi-byte character', line),
        ]);
      }
    }
    this.tokenizer?.finish();
  }

  /** Rejects NUL bytes and, once the text is not pure ASCII, invalid UTF-8. */
  private checkText(chunk: Uint8Array): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      const offset = this.bytesSeen - chunk.length + nul;
      throw new IngestError([
        notUtf8(
          this.options.file,
          binarySignature(this.start.subarray(0, this.startLength)) ?? nulByteDetail(offset),
        ),
      ]);
    }
    if (!this.utf8Active && firstNonAscii(chunk) < 0) return;
    this.utf8Active = true;
    try {
      this.utf8.decode(chunk, { stream: true });
    } catch {
      throw new IngestError([this.describeInvalid(chunk)]);
    }
  }

  private describeInvalid(chunk: Uint8Array): Problem {
    const signature = binarySignature(this.start.subarray(0, this.startLength));
    if (signature !== null) return notUtf8(this.options.file, signature);
    const at = Math.max(0, firstInvalidUtf8(chunk));
    const offset = this.bytesSeen - chunk.length + at;
    return notUtf8(
      this.options.file,
      invalidByteDetail(chunk[at] ?? 0, offset),
      this.lineAtChunk() + countLineBreaks(chunk, 0, at),
    );
  }

  /** The line number at the start of the chunk being checked (before it is tokenized). */
  private lineAtChunk(): number {
    if (this.tokenizer !== null) return this.tokenizer.currentLine;
    let line = 1;
    for (const held of this.sniffChunks) line += countLineBreaks(held, 0, held.length);
    return line;
  }

  /** Sends bytes after the BOM to the tokenizer, holding the first 64 KiB when the delimiter must be sniffed. */
  private route(bytes: Uint8Array): void {
    if (this.tokenizer !== null) {
      this.tokenizer.feed(bytes);
      return;
    }
    if (bytes.length === 0) return;
    this.sniffChunks.push(bytes.slice());
    this.sniffLength += bytes.length;
    if (this.delimiterUsed !== null || this.sniffLength >= SNIFF_BYTES) this.startTokenizer(true);
  }

  private startTokenizer(truncated: boolean): void {
    if (this.delimiterUsed === null) {
      const held = new Uint8Array(this.sniffLength);
      let at = 0;
      for (const c of this.sniffChunks) {
        held.set(c, at);
        at += c.length;
      }
      this.delimiterUsed = sniffDelimiter(this.decoder.decode(held), truncated);
    }
    const tokenizer = new CsvTokenizer(this.delimiterUsed, this.sink, this.bomLength);
    this.tokenizer = tokenizer;
    const held = this.sniffChunks;
    this.sniffChunks = [];
    for (const c of held) tokenizer.feed(c);
  }
}
