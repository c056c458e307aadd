import { readFileSync } from 'node:fs';

/**
 * The rows of one of the BIP324 vector files in `fixtures/` (see its README), as objects keyed by
 * the header. The files have no quoted fields, so a plain split is exact.
 */
export function readVectors(file: string): Record<string, string>[] {
  const text = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  const [head, ...rows] = text.trim().split(/\r?\n/);
  const names = (head ?? '').split(',');
  return rows.map((row) => {
    const cells = row.split(',');
    return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']));
  });
}

/** The named column of a vector row (fails loudly on a typo). */
export function column(row: Record<string, string>, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`no column ${name}`);
  return value;
}
