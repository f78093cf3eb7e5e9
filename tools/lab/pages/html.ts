// A small, safe way to write HTML: every value put into an html`...` template
// is escaped unless it is itself the result of one. Attendee names, host tags
// and FAIL reasons come from hosts an attendee is root on: they are text, never markup.

/** HTML that is safe to put into a page as it is (made by {@link html}). */
export class SafeHtml {
  constructor(public readonly value: string) {}

  public toString(): string {
    return this.value;
  }
}

/** What an html`...` template takes: text (escaped), numbers, safe HTML, lists of these; undefined and false are left out. */
export type HtmlValue = string | number | SafeHtml | undefined | false | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value: & < > " ' escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === false) {
    return '';
  }
  if (value instanceof SafeHtml) {
    return value.value;
  }
  if (Array.isArray(value)) {
    return value.map(render).join('');
  }
  return escapeHtml(String(value));
}

/** The tag of the page templates: html`<td title="${reason}">${verdict}</td>`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, part, index) => out + part + (index < values.length ? render(values[index]) : ''), ''));
}

/**
 * A whole page: self-contained (inline CSS, no script, nothing fetched), and
 * its Content-Security-Policy forbids scripts and any load from elsewhere, so
 * even markup that slipped through could not run or call out.
 */
export function htmlDocument(title: string, css: string, body: SafeHtml, head: SafeHtml = html``): string {
  return `<!DOCTYPE html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}<style>${new SafeHtml(css)}</style>
</head>
<body>
${body}
</body>
</html>`}\n`;
}
