import { describe, expect, it } from 'vitest';
import { ResultPathError, readResultNumber } from '../../../src/primitives/json-path';

const record = {
  meta: { id: 'demo', seed: 7 },
  result: {
    models: [
      { kind: 'linear', testMse: 0.148, recallAt10: 0.5 },
      { kind: 'mlp', testMse: 0.021, recallAt10: 0.875, curve: { loss: [1, 0.5] } },
    ],
    zero: 0,
    negative: -3.5,
    text: 'hello',
    notANumber: null,
    nested: { 'with-dash': 2 },
  },
};

describe('readResultNumber', () => {
  it('reads numbers through keys and array indices', () => {
    expect(readResultNumber(record, 'result.models.0.testMse')).toBe(0.148);
    expect(readResultNumber(record, 'result.models.1.recallAt10')).toBe(0.875);
    expect(readResultNumber(record, 'result.models.1.curve.loss.1')).toBe(0.5);
    expect(readResultNumber(record, 'meta.seed')).toBe(7);
    expect(readResultNumber(record, 'result.nested.with-dash')).toBe(2);
  });

  it('returns zero and negative numbers (they are finite)', () => {
    expect(readResultNumber(record, 'result.zero')).toBe(0);
    expect(readResultNumber(record, 'result.negative')).toBe(-3.5);
  });

  it('fails naming the path when a key is missing', () => {
    expect(() => readResultNumber(record, 'result.models.0.recallAt5')).toThrow(ResultPathError);
    expect(() => readResultNumber(record, 'result.models.0.recallAt5')).toThrow(/path "result\.models\.0\.recallAt5": no key "recallAt5" at "result\.models\.0"/);
  });

  it('fails on out-of-range and non-integer array steps', () => {
    expect(() => readResultNumber(record, 'result.models.2.testMse')).toThrow(/index 2 is out of range at "result\.models" \(length 2\)/);
    expect(() => readResultNumber(record, 'result.models.first.testMse')).toThrow(/is an array, so "first" must be an index/);
  });

  it('counts negative indices from the end', () => {
    expect(readResultNumber(record, 'result.models.-1.recallAt10')).toBe(0.875);
    expect(readResultNumber(record, 'result.models.-2.testMse')).toBe(0.148);
    expect(readResultNumber(record, 'result.models.1.curve.loss.-1')).toBe(0.5);
    expect(() => readResultNumber(record, 'result.models.-3.testMse')).toThrow(/index -3 is out of range at "result\.models" \(length 2\)/);
    expect(() => readResultNumber(record, 'result.models.-0.testMse')).toThrow(/dot-separated|must be an index/);
    expect(() => readResultNumber(record, 'result.nested.-1')).toThrow(/is not an array/);
  });

  it('fails when the value is not a finite number', () => {
    expect(() => readResultNumber(record, 'result.text')).toThrow(/expected a finite number, found string "hello"/);
    expect(() => readResultNumber(record, 'result.notANumber')).toThrow(/found null/);
    expect(() => readResultNumber(record, 'result.models')).toThrow(/found an array of length 2/);
    expect(() => readResultNumber({ x: Number.NaN }, 'x')).toThrow(/expected a finite number/);
    expect(() => readResultNumber({ x: Number.POSITIVE_INFINITY }, 'x')).toThrow(/expected a finite number/);
  });

  it('fails when stepping into a primitive', () => {
    expect(() => readResultNumber(record, 'result.zero.more')).toThrow(/cannot step into "more": "result\.zero" is number 0/);
  });

  it('rejects malformed paths before reading', () => {
    expect(() => readResultNumber(record, '')).toThrow(/the path is empty/);
    expect(() => readResultNumber(record, 'result..models')).toThrow(/dot-separated keys or array indices/);
    expect(() => readResultNumber(record, 'result.models.01.testMse')).toThrow(/dot-separated/);
  });

  it('does not resolve keys through the prototype chain', () => {
    expect(() => readResultNumber(record, 'result.constructor')).toThrow(/no key "constructor"/);
  });
});
