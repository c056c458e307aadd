import { performance } from 'node:perf_hooks';

/**
 * The runner's progress display: one line per scenario. On a terminal the line of the running
 * scenario is rewritten in place as it advances (`update`); elsewhere (CI logs, a pipe) only the
 * final line is printed, so logs stay short.
 */
export class Progress {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  #name = '';
  #started = 0;
  #lastDraw = 0;

  constructor(out: NodeJS.WriteStream = process.stdout) {
    this.#out = out;
    this.#tty = out.isTTY === true;
  }

  /** A scenario starts. */
  begin(name: string): void {
    this.#name = name;
    this.#started = performance.now();
    this.#draw('starting', true);
  }

  /** What the running scenario is doing now. Redraws at most every 100 ms. */
  update(text: string): void {
    this.#draw(text, false);
  }

  /** The scenario ended: its line is finalised with `text`. */
  end(text: string): void {
    const line = `${this.#prefix('✓')} ${text}`;
    this.#out.write(this.#tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  /** The scenario failed. */
  fail(error: unknown): void {
    const line = `${this.#prefix('✗')} ${error instanceof Error ? error.message : String(error)}`;
    this.#out.write(this.#tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  #prefix(mark: string): string {
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1).padStart(5);
    return `${mark} ${this.#name.padEnd(8)} ${seconds} s`;
  }

  #draw(text: string, force: boolean): void {
    if (!this.#tty) return;
    const now = performance.now();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const columns = this.#out.columns || 100; // 0 on a terminal of unknown size
    this.#out.write(`\r\x1b[2K${`${this.#prefix('…')} ${text}`.slice(0, columns - 1)}`);
  }
}
