import type { APIRequestContext, APIResponse } from '@playwright/test';
import { e2eStack } from './e2e-stack-config.ts';

/**
 * Posts a page's server-action form the way a browser without JavaScript does: the hidden fields
 * React rendered into the form (the action's id and state), plus the fields given. Lets tests send
 * hundreds of form submissions without driving a browser for each.
 */
export async function serverActionForm(request: APIRequestContext, path: string) {
  const html = await (await request.get(path)).text();
  const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)].map(
    ([, name, value]) => [decodeEntities(name!), decodeEntities(value ?? '')] as const,
  );
  return {
    post(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<APIResponse> {
      return request.post(path, {
        multipart: { ...Object.fromEntries(hidden), ...fields },
        headers: { origin: e2eStack.appUrl, ...headers },
        maxRedirects: 0,
      });
    },
  };
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
