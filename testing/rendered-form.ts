// Reads what React rendered into a page's form, for clients that post it without a browser: the
// end-to-end tests and the benchmark. Only the markup React itself writes needs to be understood.

/**
 * The hidden fields of the page's forms, by name: for a server-action form, the action's id and
 * state, which a browser without JavaScript posts back with the visible fields.
 */
export function hiddenFieldsIn(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)].map(([, name, value]) => [
      decodeEntities(name!),
      decodeEntities(value ?? ''),
    ]),
  );
}

/** The messages a rendered form shows under each field (`<div id="email-error">` and so on). */
export function fieldErrorsIn(html: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const [, field, body] of html.matchAll(/<div id="(\w+)-error"[^>]*>(.*?)<\/div>/g)) {
    const messages = [...body!.matchAll(/<p class="error">(.*?)<\/p>/g)].map(([, text]) => decodeEntities(text!));
    if (messages.length) errors[field!] = messages;
  }
  return errors;
}

function decodeEntities(text: string): string {
  return text
    .replace(/<!-- -->/g, '')
    .replace(
      /&(lt|gt|quot|#x27|#39|amp);/g,
      (_, entity: string) => ({ lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", amp: '&' })[entity]!,
    );
}
