// SELECT and SWAPDB index parsing, reply for reply as redis-server 7.0.15
// answers (checked by hand; the differential fuzzer also draws these values).
// Redis parses SELECT's index as a long long, then demands an int: values
// that fit 64 but not 32 bits get their own "out of range" text.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

const CASES: [string[], string][] = [
  [['SELECT', '2147483648'], '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n'],
  [['SELECT', '-2147483649'], '-ERR value is out of range, value must between -2147483648 and 2147483647\r\n'],
  [['SELECT', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n'],
  [['SELECT', 'abc'], '-ERR value is not an integer or out of range\r\n'],
  [['SELECT', '1.0'], '-ERR value is not an integer or out of range\r\n'],
  [['SELECT', ' 1'], '-ERR value is not an integer or out of range\r\n'],
  [['SELECT', '-1'], '-ERR DB index is out of range\r\n'],
  [['SELECT', '16'], '-ERR DB index is out of range\r\n'],
  [['SELECT', '15'], '+OK\r\n'],
  [['SWAPDB', '2147483648', '1'], '-ERR invalid first DB index\r\n'],
  [['SWAPDB', '1', 'abc'], '-ERR invalid second DB index\r\n'],
  [['SWAPDB', '-1', '1'], '-ERR DB index is out of range\r\n'],
  [['SWAPDB', '0', '15'], '+OK\r\n'],
];

describe('SELECT / SWAPDB index parsing', () => {
  for (const [argv, reply] of CASES) {
    it(argv.join(' '), () => {
      expect(new TestEngine().rawCmd(...argv)).toBe(reply);
    });
  }
});
