import { describe, expect, it } from 'vitest';
import { fieldErrorsIn, hiddenFieldsIn } from './rendered-form.ts';

describe('hiddenFieldsIn', () => {
  it("reads a server-action form's hidden fields as React renders them, entities decoded", () => {
    const html =
      '<form action="" method="POST"><input type="hidden" name="$ACTION_REF_1"/>' +
      '<input type="hidden" name="$ACTION_1:0" value="{&quot;id&quot;:&quot;60f1&quot;,&quot;bound&quot;:&quot;$@1&quot;}"/>' +
      '<input type="hidden" name="$ACTION_KEY" value="k&lt;1&amp;2&#x27;"/>' +
      '<input id="email" type="email" name="email"/></form>';
    expect(hiddenFieldsIn(html)).toEqual({
      $ACTION_REF_1: '',
      '$ACTION_1:0': '{"id":"60f1","bound":"$@1"}',
      $ACTION_KEY: "k<1&2'",
    });
  });
});

describe('fieldErrorsIn', () => {
  it("collects each field's messages and leaves out fields without any", () => {
    const html =
      '<div id="email-error" aria-live="polite"><p class="error">Enter a valid email address, like <!-- -->name@example.com<!-- -->.</p></div>' +
      '<div id="name-error" aria-live="polite"></div>' +
      '<div id="password-error"><p class="error">Use at least 8 characters.</p><p class="error">Avoid &quot;password&quot;.</p></div>';
    expect(fieldErrorsIn(html)).toEqual({
      email: ['Enter a valid email address, like name@example.com.'],
      password: ['Use at least 8 characters.', 'Avoid "password".'],
    });
  });
});
