/**
 * Dates the way Push Doctor shows them everywhere (CLI, findings, the guide): absolute and
 * unambiguous ("28 July 2026"), never relative. Pure: the renderer compiles this file too.
 */
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const MOMENT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "2026-07-28" → "28 July 2026" (a calendar day, so no time zone shift). */
export function formatDay(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  if (!y || !m || !d) return isoDay;
  return DAY.format(new Date(Date.UTC(y, m - 1, d)));
}

/** An ISO timestamp in the user's time zone: "27 November 2026 at 14:03". */
export function formatMoment(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : MOMENT.format(date);
}
