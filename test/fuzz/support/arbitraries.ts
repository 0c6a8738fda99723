import fc from 'fast-check';

/**
 * Inputs for the fuzz suite: text a broken machine can produce (any Unicode, control characters,
 * lone surrogates, CR/LF mixes), and text built from the pieces the parsers look for, so that the
 * runs reach deep into each parser instead of failing at its first character.
 */

/** Any string: full Unicode including lone surrogates and control characters. */
export const anyText = fc.string({ unit: 'binary', maxLength: 200 });

/** One line of hostile text: no line break. */
export const anyLine = anyText.map((t) => t.replace(/[\r\n]/g, ' '));

export const eol = fc.constantFrom('\n', '\r\n', '\r');

/** Text made of `pieces` and noise, joined by random line ends. */
export function textOf(pieces: readonly string[], options: { maxLines?: number } = {}): fc.Arbitrary<string> {
  const line = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pieces) },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...pieces), anyLine), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: anyLine },
  );
  return fc.tuple(fc.array(line, { maxLength: options.maxLines ?? 12 }), eol, fc.boolean()).map(([lines, end, final]) => lines.join(end) + (final && lines.length ? end : ''));
}

/** A flood: its text, and a short description for fast-check's counterexample report. */
export interface Flood {
  text: string;
}

/**
 * Long runs of one piece: the inputs that make a backtracking regular expression take quadratic
 * time (a megabyte of letters, of "a://", of "ATAT"...). Each piece is repeated to about `size` characters.
 */
export function floodOf(pieces: readonly string[], size = 200_000): fc.Arbitrary<Flood> {
  return fc.tuple(fc.constantFrom(...pieces), fc.constantFrom('', '\n', ' ', ':'), anyLine).map(([piece, separator, tail]) => {
    const unit = piece + separator;
    const times = Math.ceil(size / unit.length);
    return { text: unit.repeat(times) + tail, [fc.toStringMethod]: () => `${JSON.stringify(unit)}.repeat(${times}) + ${JSON.stringify(tail)}` };
  });
}

/** Milliseconds `work` took. */
export function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}
