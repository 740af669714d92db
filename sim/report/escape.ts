/**
 * Escaping every user-supplied string (scenario names and descriptions, labels, parameter values,
 * notes) before it enters a report: as text in HTML, and as literal text in Markdown, where a `|`
 * would otherwise end a table cell and `<`, `[`, `*` would become markup.
 */
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function html(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => HTML[c]);
}

/** Literal text in Markdown (and inside a GFM table cell): every markup character backslash-escaped, newlines as spaces. */
export function md(s: unknown): string {
  return String(s)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|<>~&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}
