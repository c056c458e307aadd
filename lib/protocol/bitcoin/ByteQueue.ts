/**
 * A FIFO of received chunks that hands out byte ranges without ever concatenating the whole
 * backlog: pushing is O(1) and every byte is copied once when taken, so a message arriving one byte
 * at a time costs O(n), not O(n²). Internal to the frame decoder.
 *
 * Keeps references to pushed chunks until they are consumed; callers must not mutate them.
 *
 * @example
 * ```ts
 * const queue = new ByteQueue();
 * queue.push(Uint8Array.of(1, 2)); queue.push(Uint8Array.of(3));
 * queue.take(3); // 01 02 03
 * ```
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Index in `#chunks` of the first chunk with unread bytes. */
  #head = 0;
  /** Bytes of `#chunks[#head]` already taken. */
  #offset = 0;
  #length = 0;

  /** The number of bytes buffered and not yet taken. */
  get length(): number {
    return this.#length;
  }

  /** Appends a chunk (kept by reference). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /**
   * Removes the next `count` bytes and returns them in a fresh array.
   *
   * @throws RangeError when fewer than `count` bytes are buffered (a caller bug: check `length`).
   */
  take(count: number): Uint8Array {
    if (count > this.#length) throw new RangeError(`cannot take ${count} bytes, ${this.#length} buffered`);
    const out = new Uint8Array(count);
    let written = 0;
    while (written < count) {
      const chunk = this.#chunks[this.#head] as Uint8Array;
      const n = Math.min(chunk.length - this.#offset, count - written);
      out.set(chunk.subarray(this.#offset, this.#offset + n), written);
      written += n;
      this.#offset += n;
      if (this.#offset === chunk.length) {
        this.#head += 1;
        this.#offset = 0;
      }
    }
    this.#length -= count;
    this.#compact();
    return out;
  }

  /** Drops everything buffered. */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#length = 0;
  }

  // Consumed chunk slots are released in bulk, so removal stays amortised O(1) instead of an
  // Array#shift per chunk.
  #compact(): void {
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
