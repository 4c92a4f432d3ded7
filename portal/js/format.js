// Dates, calendar days and numbers as the page writes them.

export function pad2(n) {
  return String(n).padStart(2, '0');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

export function parseTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The ISO time of a token's NumericDate (seconds since 1970, RFC 7519), or '' for none. */
export function isoFromEpochSeconds(seconds) {
  const d = new Date(Number(seconds) * 1000);
  return seconds === null || seconds === undefined || Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** HH:MM in the user's local time. */
export function formatTime(iso) {
  const d = parseTime(iso);
  return d ? `${pad2(d.getHours())}:${pad2(d.getMinutes())}` : String(iso || '');
}

/** e.g. "28 November 2026", local date. */
export function formatDate(iso) {
  const d = parseTime(iso);
  return d ? `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}` : String(iso || '');
}

/** "Today, 10:15" or "28 November 2026, 10:15", local time. */
export function formatWhen(iso) {
  const d = parseTime(iso);
  if (!d) return String(iso || '');
  const now = new Date();
  const today = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() &&
    d.getDate() === now.getDate();
  return `${today ? 'Today' : formatDate(iso)}, ${formatTime(iso)}`;
}

/** A calendar day "2026-11-28" (the statistics' UTC days): no time zone may shift it. */
export function parseDay(day) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day || ''));
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]) - 1;
  const d = Number(match[3]);
  return { y, m, d, n: Math.round(Date.UTC(y, m, d) / 86400000) };
}

/** "28 Nov" */
export function shortDay(day) {
  const p = parseDay(day);
  return p ? `${p.d} ${MONTHS[p.m].slice(0, 3)}` : String(day || '');
}

/** "28 November 2026" */
export function longDay(day) {
  const p = parseDay(day);
  return p ? `${p.d} ${MONTHS[p.m]} ${p.y}` : String(day || '');
}

export const NUMBER = new Intl.NumberFormat('en');

export function num(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

export function formatCount(value) {
  const n = Number(value);
  return value !== null && value !== undefined && Number.isFinite(n) ? NUMBER.format(n) : '–';
}
