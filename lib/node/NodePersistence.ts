import type createDebug from 'debug';
import { Subscription, filter, timer } from 'rxjs';
import type { AddressBook } from '../addr/AddressBook.js';
import type { BanList } from '../ban/BanList.js';
import { SocketAddress } from '../net/SocketAddress.js';
import { loadJsonFile, writeJsonFileAtomic } from '../persist/jsonFile.js';
import type { ResolvedNodeOptions } from './nodeDefaults.js';

/** What a {@link NodePersistence} keeps. */
export interface NodePersistenceDeps {
  readonly options: ResolvedNodeOptions;
  readonly book: AddressBook;
  readonly banList: BanList;
  readonly log: createDebug.Debugger;
}

/** The anchors file: an array of `"host:port"` strings. */
export function parseAnchors(raw: unknown): SocketAddress[] {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string'))
    throw new TypeError('anchors file: expected an array of "host:port" strings');
  return raw.map((text: string) => SocketAddress.parse(text));
}

/**
 * What a node keeps on disk: the ban list (saved as bans happen, atomic writes, so a crash loses
 * none), the address book (saved every `saveInterval` and on stop, so a crash loses at most one
 * interval of learning) and the anchors (saved on stop). A corrupt file is set aside and logged,
 * never fatal; a failed save is logged.
 */
export class NodePersistence {
  readonly #deps: NodePersistenceDeps;
  readonly #subscriptions = new Subscription();

  constructor(deps: NodePersistenceDeps) {
    this.#deps = deps;
  }

  /** Loads the bans, the book and the anchors, and starts the saves; resolves with the anchors. */
  async load(): Promise<SocketAddress[]> {
    const { options, book, banList, log } = this.#deps;
    const { warning } = await banList.load(); // no-op without a file
    if (warning) log('ban list: %s', warning);
    this.#subscriptions.add(
      banList.bans$.pipe(filter((e) => e.type === 'banned' || e.type === 'unbanned')).subscribe(() => void this.#saveBans()),
    );
    if (options.addressFile !== undefined) {
      const loaded = await book.load(options.addressFile);
      if (loaded.status === 'corrupt') log('address book: %s', loaded.warning);
      const every = options.saveInterval;
      this.#subscriptions.add(timer(every, every, options.scheduler).subscribe(() => void this.#saveBook()));
    }
    if (options.anchorsFile === undefined) return [];
    const loaded = await loadJsonFile(options.anchorsFile, parseAnchors);
    if (loaded.status === 'loaded') return loaded.value;
    if (loaded.status === 'corrupt') log('anchors: %s set aside (%s)', loaded.movedTo, loaded.error.message);
    return [];
  }

  /** Writes the anchors (when an anchors file is configured). */
  async saveAnchors(anchors: readonly SocketAddress[]): Promise<void> {
    const file = this.#deps.options.anchorsFile;
    if (file === undefined) return;
    await writeJsonFileAtomic(file, anchors.map(String)).catch((e: unknown) => this.#deps.log('saving anchors failed: %O', e));
  }

  /** Stops the periodic saves and saves the bans and the book one last time. */
  async close(): Promise<void> {
    this.#subscriptions.unsubscribe();
    await this.#saveBans();
    await this.#saveBook();
  }

  async #saveBans(): Promise<void> {
    await this.#deps.banList.save().catch((e: unknown) => this.#deps.log('saving bans failed: %O', e));
  }

  async #saveBook(): Promise<void> {
    const file = this.#deps.options.addressFile;
    if (file === undefined) return;
    await this.#deps.book.save(file).catch((e: unknown) => this.#deps.log('saving the address book failed: %O', e));
  }
}
