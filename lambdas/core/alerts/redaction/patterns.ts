/**
 * The built-in redaction patterns. Each is a regular expression plus, where a pattern alone
 * matches too much, a check on the candidate (Luhn for card numbers, character classes for AWS
 * secret keys). Patterns are global and are applied in the order of REDACTION_NAMES, so a card
 * number is replaced before the phone pattern could claim part of it.
 */
export interface RedactionPattern {
  name: string;
  pattern: RegExp;
  /** A candidate the pattern matched is redacted only if this returns true. */
  accept?: (match: string) => boolean;
}

/** Luhn checksum over the digits of `text` (separators ignored). */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

export const BUILTIN_PATTERNS: readonly RedactionPattern[] = [
  // AWS access key ids: a four-letter prefix naming the key type, then 16 upper-case base32 characters.
  {
    name: 'aws_access_key',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}\b/g,
  },
  {
    // Secret access keys are 40 base64 characters. Hex digests are 40 characters too, so a candidate
    // must mix upper case, lower case and digits, which a SHA-1 in hex never does.
    name: 'aws_secret_key',
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    accept: (m) => /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m),
  },
  { name: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  {
    // 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn check. The first
    // digit must be one the card networks issue (2 to 6: Mastercard, Amex, Visa, Discover...),
    // because runs of zeros and many ids pass Luhn too.
    name: 'card',
    pattern: /(?<![\w-])[2-6](?:[ -]?\d){12,18}(?![\w-])/g,
    accept: luhnValid,
  },
  {
    // US social security numbers in their written form; area 000, 666 and 9xx are never issued.
    name: 'ssn',
    pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
  },
  {
    // International (+CC ...) or North American numbers with separators; bare digit runs are left
    // alone because timestamps, ids and counts look the same.
    name: 'phone',
    pattern: /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w-])/g,
  },
  { name: 'ipv4', pattern: new RegExp(`(?<![\\d.])${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}(?![\\d.])`, 'g') },
  {
    // Eight groups, or a compressed form with '::' (leading, inside); times such as 10:20:30 have
    // neither. Dotted IPv4 tails (::ffff:1.2.3.4) are left to the ipv4 pattern.
    name: 'ipv6',
    pattern:
      /(?<![:\w])(?:(?:[A-Fa-f0-9]{1,4}:){7}[A-Fa-f0-9]{1,4}|(?:[A-Fa-f0-9]{1,4}:){1,6}:(?:[A-Fa-f0-9]{1,4}:){0,5}[A-Fa-f0-9]{1,4}|::(?:[A-Fa-f0-9]{1,4}:){0,6}[A-Fa-f0-9]{1,4})(?![:\w])/g,
  },
];

export const REDACTION_NAMES = BUILTIN_PATTERNS.map((p) => p.name);

/** `ip` in configuration stands for both address families. */
export const REDACTION_ALIASES: Record<string, string[]> = { ip: ['ipv4', 'ipv6'] };

/**
 * What leaves when a destination says nothing: credentials and regulated identifiers. E-mail and IP
 * addresses stay, because responders usually need them; list them to remove them too.
 */
export const DEFAULT_REDACTION = ['aws_access_key', 'aws_secret_key', 'card', 'ssn'];
