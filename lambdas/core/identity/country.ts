/**
 * Providers name countries differently: Entra ID and GitHub send ISO 3166-1 alpha-2 codes (`NL`),
 * Okta and Duo the English name (`Netherlands`). identity_events carries the code, so one person's
 * sign-ins compare across providers (impossible travel, new-country baselines). Names come from
 * the ICU data Node ships (`Intl.DisplayNames`), plus the older or official spellings providers
 * and GeoIP databases still use.
 */
const ALIASES: Record<string, string> = {
  'czech republic': 'CZ',
  'republic of korea': 'KR',
  'korea, republic of': 'KR',
  korea: 'KR',
  "korea, democratic people's republic of": 'KP',
  'north korea': 'KP',
  'russian federation': 'RU',
  'iran, islamic republic of': 'IR',
  'viet nam': 'VN',
  myanmar: 'MM',
  burma: 'MM',
  "cote d'ivoire": 'CI',
  'ivory coast': 'CI',
  turkey: 'TR',
  'united states of america': 'US',
  usa: 'US',
  'u.s.': 'US',
  uk: 'GB',
  'great britain': 'GB',
  'taiwan, province of china': 'TW',
  'hong kong sar china': 'HK',
  'hong kong sar': 'HK',
  'macao sar china': 'MO',
  macau: 'MO',
  'moldova, republic of': 'MD',
  'tanzania, united republic of': 'TZ',
  'venezuela, bolivarian republic of': 'VE',
  'bolivia, plurinational state of': 'BO',
  'syrian arab republic': 'SY',
  "lao people's democratic republic": 'LA',
  'palestine, state of': 'PS',
  'netherlands, the': 'NL',
  'the netherlands': 'NL',
  swaziland: 'SZ',
  macedonia: 'MK',
  'cape verde': 'CV',
  'democratic republic of the congo': 'CD',
  'congo, the democratic republic of the': 'CD',
  'republic of the congo': 'CG',
  congo: 'CG',
};

/** Folded for comparison: lower case, accents and curly quotes taken out, spaces collapsed. */
function fold(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The officially assigned ISO 3166-1 alpha-2 codes, and XK (Kosovo, user-assigned but sent by
 * providers). ICU also names deprecated and grouping codes (SU "Russia", EU, UN), which must not win.
 */
const ASSIGNED = new Set(
  [
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE',
    'BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD',
    'CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM',
    'DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF',
    'GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU',
    'ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN',
    'KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME',
    'MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA',
    'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM',
    'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI',
    'SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK',
    'TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI',
    'VN VU WF WS YE YT ZA ZM ZW',
    'XK',
  ]
    .join(' ')
    .split(' '),
);

let byName: Map<string, string> | undefined;

function names(): Map<string, string> {
  if (!byName) {
    const display = new Intl.DisplayNames(['en'], { type: 'region' });
    byName = new Map();
    for (const code of ASSIGNED) {
      const name = display.of(code);
      // ICU answers a code it has no name for with the code itself.
      if (!name || name === code) continue;
      byName.set(fold(name), code);
      // "Myanmar (Burma)", "Hong Kong SAR China": the name without its qualifier as well.
      const bare = name.replace(/\s*\(.*\)$/, '').replace(/ SAR China$/, '');
      if (bare !== name) byName.set(fold(bare), code);
    }
    for (const [alias, code] of Object.entries(ALIASES)) byName.set(fold(alias), code);
  }
  return byName;
}

/**
 * The ISO 3166-1 alpha-2 code of a country given as a code (any case) or an English name; a value
 * that names no country is returned as given (trimmed), so nothing the provider said is lost.
 */
export function countryCode(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  if (t === '') return null;
  const upper = t.toUpperCase();
  if (t.length === 2 && ASSIGNED.has(upper)) return upper;
  return names().get(fold(t)) ?? t;
}
