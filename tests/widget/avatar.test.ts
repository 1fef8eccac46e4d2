import { describe, expect, it } from 'vitest';
import { avatarColor, avatarInitials } from '../../src/widget/avatar.js';

describe('avatarInitials', () => {
  it.each([
    ['sondra snyder', 'SS'],
    ['Laura', 'L'],
    ['Jean-Luc de la Tour', 'JT'],
    ['  @film_buff  ', 'F'],
    ['Ольга Петрова', 'ОП'],
    ['李 小龙', '李小'],
    ['😀 Smiley', 'S'],
    ['', '?'],
    ['!!!', '?'],
  ])('gives %j the initials %j', (name, initials) => {
    expect(avatarInitials(name)).toBe(initials);
  });
});

describe('avatarColor', () => {
  it('derives the hue from the hex seed, so it is stable for a commenter', () => {
    expect(avatarColor('00b4ff', 'x')).toBe(`hsl(${0x00b4ff % 360}, 45%, 32%)`);
    expect(avatarColor('a1b2c3d4e5', 'Ada')).toBe(avatarColor('a1b2c3', 'Somebody else'));
  });

  it('falls back to the name when there is no seed, still deterministic', () => {
    expect(avatarColor(null, 'Sondra')).toBe(avatarColor(undefined, 'Sondra'));
    expect(avatarColor(null, 'Sondra')).toMatch(/^hsl\(\d{1,3}, 45%, 32%\)$/);
  });

  it('ignores a seed that is not hex rather than producing NaN', () => {
    expect(avatarColor('zzzz', 'Ada')).toBe(avatarColor(null, 'Ada'));
  });
});
