import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { compareCodePoints } from '../core/util/codepoint.ts';

/** The oracle: byte order of the UTF-8 encodings (what SQLite's BINARY collation compares). */
const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Single characters (well-formed), biased towards the boundaries where UTF-16 and UTF-8 orders differ. */
const char = fc.oneof(
  fc.constantFrom(
    'a',
    'A',
    '0',
    '\u0000',
    '\u007f',
    '\u0080',
    'é',
    '\u07ff',
    '\u0800',
    '\ud7ff', // last code point before the surrogate range
    '\ue000', // first private-use code point: JS `<` puts it after every astral character
    '\uf8ff',
    '\ufb01',
    '\ufeff',
    '\ufffd',
    '\uffff',
    '\u{10000}',
    '\u{1f600}',
    '\u{1f9ff}',
    '\u{20000}',
    '\u{10ffff}',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), // any code point, astral included
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const text = fc.array(char, { maxLength: 8 }).map((cs) => cs.join(''));

describe('compareCodePoints', () => {
  test('the case JS `<` gets wrong: astral characters sort after U+E000–U+FFFF', () => {
    const astral = '\u{1f600}';
    for (const bmp of ['\ue000', '\uf8ff', '\ufffd', '\uffff']) {
      assert.ok(astral < bmp, 'JS UTF-16 order (the wrong one) for contrast');
      assert.ok(compareCodePoints(astral, bmp) > 0, `U+1F600 > ${bmp.codePointAt(0)!.toString(16)}`);
      assert.ok(compareCodePoints(bmp, astral) < 0);
      assert.ok(compareCodePoints(`x${astral}`, `x${bmp}`) > 0);
      assert.ok(compareCodePoints(`${astral}a`, `${bmp}z`) > 0);
    }
    assert.ok(compareCodePoints('\u{10000}', '\uffff') > 0);
    assert.ok(compareCodePoints('\u{10ffff}', '\u{10000}') > 0);
    assert.ok(compareCodePoints('\u{1f600}', '\u{1f601}') < 0);
    assert.ok(compareCodePoints('\ud7ff', '\u{10000}') < 0);
  });

  test('ordinary cases', () => {
    assert.equal(compareCodePoints('', ''), 0);
    assert.equal(compareCodePoints('abc', 'abc'), 0);
    assert.ok(compareCodePoints('', 'a') < 0);
    assert.ok(compareCodePoints('a', '') > 0);
    assert.ok(compareCodePoints('a', 'b') < 0);
    assert.ok(compareCodePoints('B', 'a') < 0, 'ordinal, not case-insensitive');
    assert.ok(compareCodePoints('ab', 'abc') < 0, 'a prefix first');
    assert.ok(compareCodePoints('abc', 'ab') > 0);
    assert.ok(compareCodePoints('a\u0000', 'a') > 0);
    assert.ok(compareCodePoints('Z', 'é') < 0);
    assert.ok(compareCodePoints('e\u0301', 'é') < 0, 'no normalization: U+0065 < U+00E9');
    assert.ok(compareCodePoints('10', '9') < 0, 'not numeric');
  });

  test('sign agrees with the UTF-8 byte order on random strings (property)', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(utf8Compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }),
      { numRuns: 20_000 },
    );
  });

  test('sign agrees with the UTF-8 byte order for strings sharing a prefix (property)', () => {
    fc.assert(
      fc.property(text, text, text, (prefix, a, b) => {
        const x = prefix + a;
        const y = prefix + b;
        assert.equal(Math.sign(compareCodePoints(x, y)), Math.sign(utf8Compare(x, y)));
      }),
      { numRuns: 10_000 },
    );
  });

  test('a strict total order: reflexive, antisymmetric, zero only for equal strings (property)', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        assert.equal(compareCodePoints(a, a), 0);
        assert.equal(Math.sign(compareCodePoints(a, b)), 0 - Math.sign(compareCodePoints(b, a)) || 0);
        assert.equal(compareCodePoints(a, b) === 0, a === b);
      }),
      { numRuns: 10_000 },
    );
  });

  test('sorting with it gives the UTF-8 byte order (property, so transitive in practice)', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 40 }), (xs) => {
        const byCodePoint = [...xs].sort(compareCodePoints);
        const byUtf8 = [...xs].sort(utf8Compare);
        assert.deepEqual(byCodePoint, byUtf8);
      }),
      { numRuns: 2000 },
    );
  });

  test('equals the JS order whenever no surrogate pair is involved (property)', () => {
    const bmp = fc.string({ unit: fc.integer({ min: 0, max: 0xd7ff }).map((c) => String.fromCharCode(c)), maxLength: 8 });
    fc.assert(
      fc.property(bmp, bmp, (a, b) => {
        assert.equal(Math.sign(compareCodePoints(a, b)), a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 5000 },
    );
  });

  test('matches SQLite ORDER BY (BINARY collation) on random insert ids', () => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE ids (id TEXT NOT NULL)');
      const insert = db.prepare('INSERT INTO ids (id) VALUES (?)');
      const select = db.prepare<[], { id: string }>('SELECT id FROM ids ORDER BY id');
      fc.assert(
        fc.property(fc.array(text, { minLength: 1, maxLength: 30 }), (xs) => {
          db.exec('DELETE FROM ids');
          for (const x of xs) insert.run(x);
          const sqlite = select.all().map((r) => r.id);
          assert.deepEqual([...xs].sort(compareCodePoints), sqlite);
        }),
        { numRuns: 300 },
      );
    } finally {
      db.close();
    }
  });
});
