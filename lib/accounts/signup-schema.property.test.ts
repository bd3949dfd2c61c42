import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailMaxLength, localPartMaxLength, parseEmailAddress } from './email-address.ts';
import { passwordMaxLength, passwordMinLength } from './password-rules.ts';
import { nameMaxLength } from './signup-fields.ts';
import { signupSchema } from './signup-schema.ts';

// Strings that reach for the edges: control characters, lone surrogates, combining marks, emoji.
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ maxLength: 300 }),
);
const anyValue = fc.oneof(hostileText, fc.anything(), fc.constant(undefined));

describe('signupSchema under generated input', () => {
  it('never throws, and whatever it accepts keeps every rule', () => {
    fc.assert(
      fc.property(fc.record({ email: anyValue, password: anyValue, name: anyValue }, { requiredKeys: [] }), (input) => {
        const result = signupSchema.safeParse(input);
        if (!result.success) {
          expect(result.error.issues.length).toBeGreaterThan(0);
          return;
        }
        const { email, password, name } = result.data;
        expect(parseEmailAddress(email)).toEqual({ address: email });
        expect([...password].length).toBeGreaterThanOrEqual(passwordMinLength);
        expect([...password].length).toBeLessThanOrEqual(passwordMaxLength);
        expect(password).toBe(password.normalize('NFKC'));
        if (name !== undefined) {
          expect([...name].length).toBeLessThanOrEqual(nameMaxLength);
          expect(name).not.toMatch(/[\p{Cc}\p{Cf}<>]/u);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives every invalid field its own message', () => {
    fc.assert(
      fc.property(anyValue, anyValue, (email, name) => {
        const result = signupSchema.safeParse({ email, password: 'x', name });
        expect(result.success).toBe(false);
        const paths = result.error!.issues.map((issue) => issue.path[0]);
        expect(paths).toContain('password');
        if (typeof email !== 'string' || !('address' in parseEmailAddress(email))) expect(paths).toContain('email');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseEmailAddress under generated input', () => {
  it('accepts generated valid addresses, idempotently, within the RFC 5321 limits', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        const parsed = parseEmailAddress(raw);
        if (!('address' in parsed)) {
          // fast-check's generator allows lengths beyond the limits, and RFC 5321 does not.
          expect(parsed.problem === 'too-long' || raw.length > emailMaxLength).toBe(true);
          return;
        }
        expect(parseEmailAddress(parsed.address)).toEqual(parsed);
        expect(parsed.address.length).toBeLessThanOrEqual(emailMaxLength);
        expect(parsed.address.split('@')[0]!.length).toBeLessThanOrEqual(localPartMaxLength);
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets a line break, a space or an angle bracket through', () => {
    fc.assert(
      fc.property(
        hostileText,
        fc.emailAddress(),
        fc.constantFrom('\r', '\n', '\r\n', ' ', '<', '>', '\0'),
        (noise, address, bad) => {
          const at = Math.min(noise.length, address.length);
          const parsed = parseEmailAddress(address.slice(0, at) + bad + address.slice(at));
          if ('address' in parsed) expect(parsed.address).not.toMatch(/[\s<>\0]/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
