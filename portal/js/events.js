// Security events in plain words, as list items: the user's recent activity and the operator's
// view of a user show them the same way.

import { formatWhen, parseTime } from './format.js';

/** A short browser name from a User-Agent: "Chrome on Linux", "Safari on iOS", "curl". */
function browserName(userAgent) {
  const ua = String(userAgent || '');
  if (!ua) return 'unknown browser';
  let name = '';
  if (/\bEdg(?:e|A|iOS)?\//.test(ua)) name = 'Edge';
  else if (/\bOPR\/|\bOpera\b/.test(ua)) name = 'Opera';
  else if (/\bSamsungBrowser\//.test(ua)) name = 'Samsung Internet';
  else if (/\bFirefox\/|\bFxiOS\//.test(ua)) name = 'Firefox';
  else if (/(?:Headless)?Chrome\/|\bChromium\/|\bCriOS\//.test(ua)) name = 'Chrome';
  else if (/\bVersion\/[\d.]+.*\bSafari\//.test(ua)) name = 'Safari';
  if (!name) {
    // Not a browser: the first product token (curl, okhttp, node...), if it looks like one.
    const product = /^([A-Za-z][\w.-]{0,23})\//.exec(ua);
    return product && product[1] !== 'Mozilla' ? product[1] : 'unknown browser';
  }
  let os = '';
  if (/\b(?:iPhone|iPad|iPod)\b/.test(ua)) os = 'iOS';
  else if (/\bAndroid\b/.test(ua)) os = 'Android';
  else if (/\bWindows\b/.test(ua)) os = 'Windows';
  else if (/\bCrOS\b/.test(ua)) os = 'ChromeOS';
  else if (/\bMacintosh\b|\bMac OS X\b/.test(ua)) os = 'macOS';
  else if (/\bLinux\b/.test(ua)) os = 'Linux';
  return os ? `${name} on ${os}` : name;
}

/** Security events in plain words (GET /mfa/events and the operator's user view). */
const EVENT_TEXT = {
  SETUP_STARTED: 'Setup started',
  SETUP_CANCELLED: 'Setup cancelled',
  MFA_ENABLED: 'MFA turned on',
  LOCKED_OUT: 'Locked after too many wrong codes',
  LOCKED_UNTIL_RESET: 'Locked until the helpdesk resets MFA (too many wrong codes)',
  RECOVERY_CODE_USED: 'Recovery code used',
  RECOVERY_CODES_REGENERATED: 'New recovery codes made',
  MFA_REMOVED: 'MFA turned off',
  ADMIN_RESET: 'Removed by the helpdesk',
  ADMIN_RESET_PERFORMED: 'You reset MFA for a user',
};
const ALERT_EVENTS = ['LOCKED_OUT', 'LOCKED_UNTIL_RESET', 'MFA_REMOVED', 'ADMIN_RESET'];

/**
 * @param {string} [operatorId] the operator who acted (the operator's view only)
 * The reason of a helpdesk reset is shown in every view; whom an operator reset, in their own.
 */
function describeEvent(event, operatorId) {
  const type = String(event.type || '');
  const byOperator = type !== 'ADMIN_RESET_PERFORMED' && (event.byOperator === true || Boolean(operatorId));
  let text;
  // In an operator's own activity "You"; in the helpdesk's view of another operator, that operator.
  if (type === 'ADMIN_RESET_PERFORMED') text = `${operatorId || 'You'} reset MFA for ${String(event.userId || 'a user')}`;
  else if (byOperator && (type === 'MFA_REMOVED' || type === 'ADMIN_RESET')) text = 'Removed by the helpdesk';
  else if (byOperator && type === 'SETUP_CANCELLED') text = 'Setup cancelled by the helpdesk';
  else if (EVENT_TEXT[type]) text = EVENT_TEXT[type] + (byOperator ? ' (by the helpdesk)' : '');
  else text = `Security event (${type || 'unknown'})`;
  if (operatorId && type !== 'ADMIN_RESET_PERFORMED') text = `${text}: ${operatorId}`;
  if (typeof event.reason === 'string' && event.reason) text = `${text} (reason: ${event.reason})`;
  return text;
}

/** One list item: what happened, when, from where. */
export function eventItem(event, testid, operatorId) {
  const li = document.createElement('li');
  li.className = 'activity-item';
  li.dataset.testid = testid;
  li.dataset.type = String(event.type || '');
  if (ALERT_EVENTS.includes(event.type)) li.classList.add('activity-alert');
  const what = document.createElement('span');
  what.className = 'activity-what';
  what.textContent = describeEvent(event, operatorId);
  const meta = document.createElement('span');
  meta.className = 'activity-meta';
  const time = document.createElement('time');
  if (parseTime(event.at)) time.dateTime = String(event.at);
  time.textContent = formatWhen(event.at);
  const from = [];
  if (event.sourceIp) from.push(`from ${event.sourceIp}`);
  // A helpdesk reset in the user's own view has no address or browser: they are the operator's.
  if (event.userAgent) from.push(browserName(event.userAgent));
  meta.append(time, from.length ? ` · ${from.join(' · ')}` : '');
  li.append(what, meta);
  return li;
}
