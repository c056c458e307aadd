/**
 * A GitHub-flavoured markdown table, columns padded so that it also reads well in a terminal.
 * A column whose cells all start with a figure is right-aligned; others are left-aligned.
 *
 * @example
 * markdownTable(['variant', 'µs/attempt'], [['imperative', '3.3']]);
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length), 3));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?([\d.,]+|—)/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map((r) => line(headers.map((_, i) => r[i] ?? '')))].join('\n');
}
