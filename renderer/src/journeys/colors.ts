// Colours of the session bars: one per value of the attribute chosen in "Colour by".

/**
 * Ten hues that stay apart from one another, dark enough for ticks drawn on a tint of
 * themselves. Values take them in the order of the cache's value list (most frequent first), so
 * a value keeps its colour while stepping from user to user.
 */
export const PALETTE = ['#3868d6', '#e3782f', '#1f9c68', '#d2435b', '#8a58cc', '#1698b3', '#bf920b', '#d05a9f', '#6b8a24', '#95633f'];
/** A value past the palette (a rare one). */
export const OTHER_COLOR = '#5d6b7e';
/** A session whose attribute is null. */
export const NULL_COLOR = '#a3abb7';
/** Bars when there is no attribute to colour by. */
export const PLAIN_COLOR = '#3868d6';

export interface Swatch {
  /** What the legend says. */
  label: string;
  color: string;
  /** Where the swatch sorts among the legend's entries (palette order, then other, then null). */
  rank: number;
  /** The values it stands for (several for "Other"). */
  values: Array<string | null>;
}

/**
 * The colour of each value of one attribute: `choices` is the cache's value list for it, most
 * frequent first (filterChoices); values not in it (or past the palette) share "Other".
 */
export function colorScale(choices: string[]): (value: string | null) => { key: string; color: string; rank: number; label: string } {
  const index = new Map(choices.map((value, i) => [value, i]));
  return (value) => {
    if (value === null) return { key: '\u0000null', color: NULL_COLOR, rank: PALETTE.length + 1, label: '(not set)' };
    const i = index.get(value);
    if (i !== undefined && i < PALETTE.length) return { key: value, color: PALETTE[i], rank: i, label: value };
    return { key: '\u0000other', color: OTHER_COLOR, rank: PALETTE.length, label: 'Other' };
  };
}
