// Recent security activity (GET /mfa/events): the user's events, newest first, a page at a time.

import { ApiError, TOKEN_KEY, api, messageFor } from './api.js';
import { el, setText, withBusy } from './dom.js';
import { eventItem } from './events.js';
import { refreshOperatorView } from './helpdesk.js';
import { sessionExpired } from './signin.js';

const ACTIVITY_PAGE = 20;

let activitySeq = 0;     // drops answers of older activity requests
let activityNext = null; // cursor of the next page of GET /mfa/events

export function clearActivity() {
  activitySeq += 1;
  activityNext = null;
  el.activityList.textContent = '';
  el.activityList.setAttribute('aria-busy', 'false');
  el.activityEmpty.hidden = true;
  el.activityMore.hidden = true;
  el.activityRetry.hidden = true;
  setText(el.activityError, '');
}

/** Reloads the first page (after sign-in and after every action that may change the state). */
export function refreshActivity() {
  return loadActivity(false);
}

/**
 * Loads a page of events: the first (replacing the list) or the next one (appended). A newer
 * first-page load drops the answers of older loads; a failure never touches the rest of the page.
 */
async function loadActivity(more) {
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  const cursor = more ? activityNext : null;
  if (more && !cursor) return;
  const seq = more ? activitySeq : ++activitySeq;
  const path = `/mfa/events?limit=${ACTIVITY_PAGE}` + (cursor ? `&next=${encodeURIComponent(cursor)}` : '');
  el.activityList.setAttribute('aria-busy', 'true');
  try {
    const data = await api('GET', path);
    if (seq !== activitySeq) return;
    const events = Array.isArray(data.events) ? data.events.filter((e) => e && typeof e === 'object') : [];
    if (!more) el.activityList.textContent = '';
    const items = events.map((event) => eventItem(event, 'activity-item'));
    items.forEach((item) => el.activityList.appendChild(item));
    activityNext = typeof data.next === 'string' && data.next ? data.next : null;
    el.activityMore.hidden = !activityNext;
    el.activityEmpty.hidden = el.activityList.childElementCount > 0;
    setText(el.activityError, '');
    el.activityRetry.hidden = true;
    if (more && items.length) {
      // The button may be gone now: keep keyboard users where the new items start.
      items[0].tabIndex = -1;
      items[0].focus();
    }
  } catch (err) {
    if (seq !== activitySeq) return;
    if (err instanceof ApiError && err.kind === 'unauthorized') {
      sessionExpired();
      return;
    }
    el.activityEmpty.hidden = true;
    setText(el.activityError, `Could not load your security activity. ${messageFor(err)}`);
    el.activityRetry.dataset.more = more ? 'true' : '';
    el.activityRetry.hidden = false;
  } finally {
    if (seq === activitySeq) el.activityList.setAttribute('aria-busy', 'false');
  }
}

/** After anything that may have changed the user's MFA: the activity, and an operator's figures. */
export function afterChange() {
  refreshActivity();
  refreshOperatorView();
}

export function wireActivity() {
  el.activityMore.addEventListener('click', () => withBusy(el.activityMore, () => loadActivity(true)));
  el.activityRetry.addEventListener('click', () =>
    withBusy(el.activityRetry, () => loadActivity(el.activityRetry.dataset.more === 'true')));
}
