import type { APIRequestContext, APIResponse } from '@playwright/test';
import { hiddenFieldsIn } from '../testing/rendered-form.ts';
import { e2eStack } from './e2e-stack-config.ts';

/**
 * Posts a page's server-action form the way a browser without JavaScript does: the hidden fields
 * React rendered into the form (the action's id and state), plus the fields given. Lets tests send
 * hundreds of form submissions without driving a browser for each.
 */
export async function serverActionForm(request: APIRequestContext, path: string) {
  const hidden = hiddenFieldsIn(await (await request.get(path)).text());
  return {
    post(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<APIResponse> {
      return request.post(path, {
        multipart: { ...hidden, ...fields },
        headers: { origin: e2eStack.appUrl, ...headers },
        maxRedirects: 0,
      });
    },
  };
}
