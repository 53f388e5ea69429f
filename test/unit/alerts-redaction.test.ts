import { describe, expect, it } from 'vitest';
import { luhnValid } from '../../lambdas/core/alerts/redaction/patterns.js';
import {
  compileRedaction,
  RedactionConfigSchema,
  redactAlert,
  redactText,
  redactValue,
} from '../../lambdas/core/alerts/redaction/redact.js';
import { sampleAlert } from '../integration/alerts-delivery-peer.js';

const only = (...names: string[]) => compileRedaction(RedactionConfigSchema.parse(names));

describe('built-in redaction patterns', () => {
  const cases: [string, string, string, string][] = [
    // [pattern, input, redacted, a look-alike left alone]
    ['email', 'from alice.smith+x@corp.example.co.uk today', 'from [REDACTED:email] today', 'user@localhost'],
    [
      'phone',
      'call +1 415-555-0132 or (020) 7946 0958',
      'call [REDACTED:phone] or [REDACTED:phone]',
      'build 20261121 ok',
    ],
    ['ssn', 'ssn 123-45-6789', 'ssn [REDACTED:ssn]', '000-12-3456 and 123-00-4567'],
    [
      'card',
      'card 4111 1111 1111 1111 and 5500-0000-0000-0004',
      'card [REDACTED:card] and [REDACTED:card]',
      '4111 1111 1111 1112',
    ],
    ['ipv4', 'from 203.0.113.9:443', 'from [REDACTED:ipv4]:443', 'version 1.2.3.4.5 and 300.1.1.1'],
    [
      'ipv6',
      'src 2001:db8::8a2e:370:7334 and fe80::1',
      'src [REDACTED:ipv6] and [REDACTED:ipv6]',
      'time 10:20:30',
    ],
    [
      'aws_access_key',
      'key AKIAIOSFODNN7EXAMPLE used',
      'key [REDACTED:aws_access_key] used',
      'AKIA-not-a-key',
    ],
    [
      'aws_secret_key',
      'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end',
      'secret [REDACTED:aws_secret_key] end',
      'sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709',
    ],
  ];
  for (const [name, input, redacted, lookalike] of cases) {
    it(`${name}: redacts the real thing and leaves the look-alike`, () => {
      const patterns = only(name);
      expect(redactText(input, patterns)).toBe(redacted);
      expect(redactText(lookalike, patterns)).toBe(lookalike);
    });
  }

  it('checks card numbers with Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('411111')).toBe(false);
  });

  it('expands ip to both families, and custom patterns run first', () => {
    const patterns = compileRedaction(
      RedactionConfigSchema.parse(['ip', { name: 'employee-id', pattern: 'EMP-\\d{6}' }]),
    );
    expect(patterns.map((p) => p.name)).toEqual(['employee-id', 'ipv4', 'ipv6']);
    expect(redactText('EMP-123456 at 10.0.0.1 and ::ffff:1', patterns)).toBe(
      '[REDACTED:employee-id] at [REDACTED:ipv4] and [REDACTED:ipv6]',
    );
  });

  it('defaults to credentials and regulated ids, and [] means nothing', () => {
    const text = 'AKIAIOSFODNN7EXAMPLE 4111111111111111 123-45-6789 bob@example.com 8.8.8.8';
    expect(redactText(text, compileRedaction(undefined))).toBe(
      '[REDACTED:aws_access_key] [REDACTED:card] [REDACTED:ssn] bob@example.com 8.8.8.8',
    );
    expect(redactText(text, compileRedaction([]))).toBe(text);
  });

  it('refuses unknown names and invalid expressions in configuration', () => {
    expect(RedactionConfigSchema.safeParse(['passport']).success).toBe(false);
    expect(RedactionConfigSchema.safeParse([{ name: 'x', pattern: '(' }]).success).toBe(false);
  });
});

describe('redacting values and alerts', () => {
  it('walks nested values, keys and numbers without touching the input', () => {
    const input = { 'bob@example.com': { cards: [4111111111111111, 'x'], n: 42 } };
    const copy = structuredClone(input);
    expect(redactValue(input, only('email', 'card'))).toEqual({
      '[REDACTED:email]': { cards: ['[REDACTED:card]', 'x'], n: 42 },
    });
    expect(input).toEqual(copy);
  });

  it('never rewrites an alert id, rule id or dedup key, whatever they look like', () => {
    const alert = sampleAlert({
      id: '4111111111111111aaaaaaaa',
      dedupKey: 'rule#4111111111111111',
      evidence: [{ card: '4111 1111 1111 1111' }],
    });
    const out = redactAlert(alert, only('card'));
    expect([out.id, out.dedupKey]).toEqual([alert.id, alert.dedupKey]);
    expect(out.evidence).toEqual([{ card: '[REDACTED:card]' }]);
  });
});
