import { describe, expect, it } from 'vitest';
import { ReplyOrder } from '../../src/import/replyOrder.js';

function recorder() {
  const out: [string, string | null][] = [];
  const order = new ReplyOrder<string>((id, parentId) => out.push([id, parentId]));
  return { order, out };
}

describe('ReplyOrder', () => {
  it('emits comments in file order when parents come first', () => {
    const { order, out } = recorder();
    order.add('1', null, '1');
    order.add('2', '1', '2');
    order.add('3', null, '3');
    expect(out).toEqual([['1', null], ['2', '1'], ['3', null]]);
  });

  it('holds a reply until its parent has been emitted', () => {
    const { order, out } = recorder();
    order.add('3', '2', '3');
    order.add('2', '1', '2');
    expect(out).toEqual([]);
    order.add('1', null, '1');
    expect(out).toEqual([['1', null], ['2', '1'], ['3', '2']]);
  });

  it('attaches replies of a dropped comment to its own parent', () => {
    const { order, out } = recorder();
    order.add('1', null, '1');
    order.drop('2', '1');
    order.add('3', '2', '3');
    order.add('4', '3', '4');
    expect(out).toEqual([['1', null], ['3', '1'], ['4', '3']]);
  });

  it('puts replies to a parent missing from the file at the top level when the thread ends', () => {
    const { order, out } = recorder();
    order.add('5', '99', '5');
    order.add('6', '5', '6');
    expect(out).toEqual([]);
    order.finish();
    expect(out).toEqual([['5', null], ['6', '5']]);
  });

  it('breaks a reply cycle instead of losing both comments', () => {
    const { order, out } = recorder();
    order.add('1', '2', '1');
    order.add('2', '1', '2');
    order.finish();
    expect(out).toHaveLength(2);
    expect(out[0]![1]).toBeNull();
    expect(out[1]![1]).toBe(out[0]![0]);
  });

  it('survives a 20,000-deep chain listed newest first', () => {
    const { order, out } = recorder();
    for (let i = 20_000; i >= 1; i--) order.add(String(i), i === 1 ? null : String(i - 1), String(i));
    expect(out).toHaveLength(20_000);
    expect(out.at(-1)).toEqual(['20000', '19999']);
  });
});
