import { describe, expect, it } from 'vitest';
import { countryCode } from '../../lambdas/core/identity/country.js';

describe('countryCode', () => {
  it.each([
    ['Netherlands', 'NL'],
    ['United States', 'US'],
    ['nl', 'NL'],
    [' us ', 'US'],
    ['Czech Republic', 'CZ'],
    ['Czechia', 'CZ'],
    ['Côte d’Ivoire', 'CI'],
    ["Cote d'Ivoire", 'CI'],
    ['Myanmar', 'MM'],
    ['Turkey', 'TR'],
    ['Türkiye', 'TR'],
    ['Hong Kong', 'HK'],
    ['Russia', 'RU'],
    ['Russian Federation', 'RU'],
    ['South Korea', 'KR'],
    ['Korea, Republic of', 'KR'],
    ['United Kingdom', 'GB'],
    ['Kosovo', 'XK'],
    ['Democratic Republic of the Congo', 'CD'],
  ])('%s -> %s', (given, code) => {
    expect(countryCode(given)).toBe(code);
  });

  it('keeps what names no country as sent, and maps empty to null', () => {
    expect(countryCode('Atlantis')).toBe('Atlantis');
    expect(countryCode('EU')).toBe('EU');
    expect(countryCode('SU')).toBe('SU');
    expect(countryCode('  ')).toBeNull();
    expect(countryCode(null)).toBeNull();
  });

  it('maps the English name of every assigned code back to it (Node has full ICU)', () => {
    const display = new Intl.DisplayNames(['en'], { type: 'region' });
    for (const code of ['DE', 'JP', 'BR', 'ZA', 'AU', 'IN', 'AX', 'BQ', 'SS', 'UM']) {
      expect(countryCode(display.of(code)), code).toBe(code);
    }
  });
});
