/**
 * Corpus for the differential test of Go number and duration parsing: hand-picked edge cases (the ones the
 * slo-exporter reference lists, plus range and rounding limits) and strings generated from the grammar's
 * pieces with a fixed seed, so every run checks the same strings.
 */
import { seededRandom as random } from '../../bench/lib/random.mjs';

const HAND_PICKED = [
  '',
  ' ',
  '0',
  '-0',
  '+0',
  '00',
  '00012',
  '12',
  ' 12',
  '12 ',
  '1,5',
  '200x',
  '1e3',
  '1E3',
  '.5',
  '5.',
  '.',
  '+5',
  '-5',
  '+-5',
  '1_000',
  '1__000',
  '_1000',
  '1000_',
  '1_000.5',
  '1.0_5',
  '1e1_0',
  '1e_10',
  '0x10',
  '0X10',
  '0x1p4',
  '0x1P-2',
  '0x.8p1',
  '0x1.fffffffffffffp1023',
  '0x1p1024',
  '0x1p-1074',
  '0x1p-1075',
  '0x1.8p-1075',
  '0x_1p0',
  '0x1_0p0',
  '0b101',
  '0o17',
  'inf',
  'Inf',
  '+Inf',
  '-inf',
  'INF',
  'infinity',
  'Infinity',
  '-Infinity',
  'infin',
  'infinityx',
  'nan',
  'NaN',
  'NAN',
  '+nan',
  '-NaN',
  'nanx',
  '1e400',
  '-1e400',
  '1e308',
  '1.8e308',
  '1.7976931348623157e308',
  '1.7976931348623158e308',
  '1.7976931348623159e308',
  '4.9e-324',
  '2.4e-324',
  '2.5e-324',
  '1e-400',
  '1e',
  '1e+',
  '1e-',
  'e5',
  '1.5e-7',
  '123456789012345678901234567890',
  '0.1000000000000000055511151231257827021181583404541015625',
  '0.1000000000000000055511151231257827021181583404541015624',
  '9007199254740993',
  '9007199254740993.0000001',
  '1e99999',
  '1e100000',
  '1e-99999',
  `1${'0'.repeat(400)}e-400`,
  `1${'0'.repeat(30)}e-30`,
  `0.${'0'.repeat(500)}1e500`,
  '1e0000000000000001',
  '１２',
  '1٢',
  '\u00a012',
  // durations
  '1s',
  '1S',
  ' 1s',
  '1s ',
  '1d',
  '1',
  '0.127',
  '1e3s',
  '.5s',
  '1.5s',
  '-1s',
  '+1s',
  '-0',
  '1h30m',
  '2h45m30.5s',
  '32451342ns',
  '1us',
  '1µs',
  '1μs',
  '1ms',
  '1m',
  '1h',
  '1.s',
  '.s',
  '-.s',
  's',
  '1.0000000001h',
  '0.1ns',
  '9223372036854775807ns',
  '9223372036854775808ns',
  '-9223372036854775808ns',
  '-9223372036854775809ns',
  '2562047h',
  '2562048h',
  '2562047h47m16.854775807s',
  '2562047h47m16.854775808s',
  '-2562047h47m16.854775808s',
  '1.123456789012345678901234567890s',
  '0.000000000000000000001h',
  '18446744073709551616ns',
  '-9223372036854775808ns-9223372036854775808ns',
  '9223372036854775808ns9223372036854775808ns',
  '3h1.5m0.25s',
  '1hm',
  '1h1',
  '1h 1m',
  '+',
  '-',
  '++1s',
  '1.2.3s',
  '0s',
  '00s',
  '0.0s',
  '1000000000000000000000ns',
];

const PIECES = {
  sign: ['', '', '', '-', '+'],
  digits: ['0', '1', '7', '12', '00', '123', '999999999', '18446744073709551615', '1_0', '_', '5'],
  exp: ['', '', 'e', 'e5', 'E-3', 'e+308', 'e-324', 'e400', 'e1_0', 'p4'],
  unit: ['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h', 'd', 'S', '', 'x'],
  hex: ['0x1', '0x', '0xF', '0x1.8', '0x.1', '0xabc_d', '0x0'],
};

/** The hand-picked strings followed by `generated` strings built from the grammar pieces. */
export function goParseCorpus(generated = 1200): string[] {
  const next = random(20260101);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const out = [...HAND_PICKED];
  for (let i = 0; i < generated; i++) {
    const kind = i % 4;
    if (kind === 0) {
      // decimal float
      const fraction = next() < 0.5 ? `.${pick(PIECES.digits)}` : '';
      out.push(`${pick(PIECES.sign)}${pick(PIECES.digits)}${fraction}${pick(PIECES.exp)}`);
    } else if (kind === 1) {
      out.push(`${pick(PIECES.sign)}${pick(PIECES.hex)}${pick(PIECES.exp)}`);
    } else {
      // durations of 1-3 components
      let text = pick(PIECES.sign);
      const parts = 1 + Math.floor(next() * 3);
      for (let p = 0; p < parts; p++) {
        const fraction = next() < 0.4 ? `.${pick(PIECES.digits)}` : '';
        text += `${pick(PIECES.digits)}${fraction}${pick(PIECES.unit)}`;
      }
      out.push(text);
    }
  }
  return out;
}
