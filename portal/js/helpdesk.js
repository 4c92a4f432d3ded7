// The helpdesk, for operators (the mfa-admin group): first the operator's own second factor ("Confirm
// it's you", POST /mfa/verify), then the figures and the adoption charts (GET /admin/mfa/stats), a
// user looked up by ID (GET /admin/mfa/users/{userId}) and that user's MFA reset in two steps (POST
// /admin/mfa/users/{userId}/reset). Every /admin/ call carries the step-up's MFA token in
// X-MFA-Token; when the server answers 403 mfa_required (the proof is over 5 minutes old), the
// page asks for a code again.

import { ApiError, MSG, TOKEN_KEY, api, claimsOperator, decodeTokenClaims, messageFor, ownUserId } from './api.js';
import { refreshActivity } from './activity.js';
import { adoptionSeries, clearCharts, dailyOf, redrawOnResize, renderCharts } from './charts.js';
import { el, onSubmit, setText, takeRequiredValue, withBusy } from './dom.js';
import { eventItem } from './events.js';
import { formatCount, formatDate, formatTime, formatWhen, parseDay, shortDay } from './format.js';
import { sessionExpired } from './signin.js';
import { refreshStatus } from './status.js';

const NOTHING_TO_RESET = 'This user has no MFA to reset.';

let stats = null;         // last GET /admin/mfa/stats body
let statsSeq = 0;         // drops answers of older requests for the figures
let lookupSeq = 0;        // drops answers of older lookups
let lookedUpUser = null;  // the user ID the lookup result shows
let stepUpToken = '';     // the operator's MFA token: in memory only, never stored or logged
let stepUpSeq = 0;        // drops a step-up answer that comes after sign-out

const STEP_UP_MAX_AGE_SECONDS = 300; // the contract: the token's auth_time at most 5 minutes old
const STEP_UP_TEXT = {
  first: 'The helpdesk changes other people’s MFA, so it asks for your own second factor first. Enter the code your authenticator app shows now; it counts for 5 minutes.',
  again: 'Please confirm again: your last confirmation is more than 5 minutes old, so the server refused the request. Nothing was changed. Enter the code your authenticator app shows now.',
  mfaNotEnabled: 'Operators must turn MFA on first: set up an authenticator app under “Multi-factor authentication”, then confirm with a code from it here.',
};

function operatorShown() {
  return !el.operatorCard.hidden && !el.operatorBody.hidden;
}

/** The server said 403 forbidden: this account is no operator (whatever its token seemed to say). */
function showNotOperator() {
  el.stepUpForm.hidden = true;
  el.operatorBody.hidden = true;
  setText(el.operatorError, MSG.notOperator);
}

/** The card for a token that claims the group; nothing of the helpdesk shows before the step-up. */
export function showHelpdesk() {
  el.operatorCard.hidden = !claimsOperator();
  setText(el.operatorError, '');
  askForStepUp(STEP_UP_TEXT.first);
}

export function resetOperator() {
  stats = null;
  statsSeq += 1;
  lookupSeq += 1;
  lookedUpUser = null;
  stepUpToken = '';
  stepUpSeq += 1;
  el.operatorCard.hidden = true;
  el.stepUpForm.hidden = true;
  el.operatorBody.hidden = true;
  [el.operatorError, el.stepUpIntro, el.stepUpError, el.stepUpUntil, el.statsError, el.statsAt, el.statsNote,
    el.lookupError, el.resetResult, el.resetError].forEach((node) => setText(node, ''));
  [el.statEnabled, el.statPending, el.statAdoption].forEach((node) => setText(node, '–'));
  clearCharts();
  el.statsTableBody.textContent = '';
  el.lookupUser.value = '';
  el.lookupResult.hidden = true;
  el.lookupEvents.textContent = '';
  closeReset();
}

// The operator's step-up

/** No proof (yet, or any more): the helpdesk hides what it shows and asks for a code. */
function askForStepUp(intro) {
  stepUpToken = '';
  el.operatorBody.hidden = true;
  el.stepUpForm.hidden = false;
  setText(el.stepUpIntro, intro);
  setText(el.stepUpUntil, '');
}

/** The server takes the proof until the token's exp, and at most 5 minutes after its auth_time. */
function stepUpEndsAt(answer) {
  const claims = decodeTokenClaims(answer.mfaToken) || {};
  const ends = [Date.parse(answer.mfaTokenExpiresAt), (Number(claims.auth_time) + STEP_UP_MAX_AGE_SECONDS) * 1000]
    .filter(Number.isFinite);
  return ends.length ? new Date(Math.min(...ends)).toISOString() : '';
}

function acceptStepUp(answer) {
  stepUpToken = answer.mfaToken;
  el.stepUpForm.hidden = true;
  el.operatorBody.hidden = false;
  setText(el.stepUpUntil, `You confirmed it’s you until ${formatTime(stepUpEndsAt(answer))}; after that the helpdesk asks for a code again.`);
  el.lookupUser.focus({ preventScroll: true });
  loadStats();
  if (lookedUpUser) lookupUser(lookedUpUser, { keepMessages: true });
}

function refuseStepUp(err) {
  if (err instanceof ApiError && err.kind === 'unauthorized') {
    sessionExpired();
    return;
  }
  const operatorHasNoMfa = err instanceof ApiError && err.code === 'mfa_not_enabled';
  setText(el.stepUpError, operatorHasNoMfa ? STEP_UP_TEXT.mfaNotEnabled : messageFor(err));
  if (!operatorHasNoMfa) refreshActivity(); // wrong codes count towards a lock
  el.stepUpCode.focus();
}

async function confirmItsYou() {
  setText(el.stepUpError, '');
  const code = takeRequiredValue(el.stepUpCode, el.stepUpError, 'Enter the code from your authenticator app.');
  if (!code) return;
  const seq = ++stepUpSeq;
  try {
    const answer = await api('POST', '/mfa/verify', { code });
    if (seq !== stepUpSeq) return;
    if (typeof answer.mfaToken === 'string' && answer.mfaToken) acceptStepUp(answer);
    else setText(el.stepUpError, MSG.serverError);
  } catch (err) {
    if (seq === stepUpSeq) refuseStepUp(err);
  }
}

/** Every /admin/ call: the sign-in token (api) and the operator's step-up proof. */
function adminApi(method, path, body) {
  return api(method, path, body, { 'X-MFA-Token': stepUpToken });
}

/**
 * An expired session, a non-operator or a missing or stale step-up ends any operator request;
 * true when it did.
 */
function operatorRequestEnded(err) {
  if (err instanceof ApiError && err.kind === 'unauthorized') {
    sessionExpired();
    return true;
  }
  if (err instanceof ApiError && err.code === 'mfa_required') {
    askForStepUp(STEP_UP_TEXT.again);
    el.stepUpCode.focus();
    return true;
  }
  if (err instanceof ApiError && err.status === 403) {
    showNotOperator();
    return true;
  }
  return false;
}

export async function loadStats() {
  if (el.operatorCard.hidden || !sessionStorage.getItem(TOKEN_KEY) || !stepUpToken) return;
  const seq = ++statsSeq;
  try {
    const data = await adminApi('GET', '/admin/mfa/stats');
    if (seq !== statsSeq) return;
    setText(el.statsError, '');
    stats = data;
    renderStats(data);
  } catch (err) {
    if (seq !== statsSeq) return;
    if (operatorRequestEnded(err)) return;
    setText(el.statsError, `Could not load the figures. ${messageFor(err)}`);
  }
}

function renderStats(data) {
  setText(el.statsAt, data.at ? `Figures as of ${formatWhen(data.at).replace(/^Today/, 'today')}.` : '');
  setText(el.statEnabled, formatCount(data.enabledUsers));
  setText(el.statPending, formatCount(data.pendingUsers));
  const percent = Number(data.adoptionPercent);
  const hasTotal = data.totalUsers !== undefined && data.totalUsers !== null && Number.isFinite(Number(data.totalUsers));
  if (hasTotal && Number.isFinite(percent)) {
    setText(el.statAdoption, `${percent.toFixed(1)}%`);
    setText(el.statsNote, `${formatCount(data.enabledUsers)} of ${formatCount(data.totalUsers)} users have MFA on.`);
  } else {
    setText(el.statAdoption, '—');
    setText(el.statsNote, 'Adoption needs the total number of users, which is not configured here.');
  }
  renderCharts(data);
  renderStatsTable(data);
}

function renderStatsTable(data) {
  const series = new Map(adoptionSeries(data).points.map((p) => [p.date, p.value]));
  const daily = dailyOf(data);
  const days = [...new Set([...daily.map((d) => d.date), ...series.keys()])]
    .sort((a, b) => parseDay(b).n - parseDay(a).n);
  const byDay = new Map(daily.map((d) => [d.date, d]));
  el.statsTableBody.textContent = '';
  days.forEach((day) => {
    const d = byDay.get(day) || {};
    const row = document.createElement('tr');
    const head = document.createElement('th');
    head.scope = 'row';
    head.textContent = shortDay(day);
    row.appendChild(head);
    [series.has(day) ? series.get(day) : null, d.enablements, d.removals, d.adminResets, d.setupsStarted]
      .forEach((value) => {
        const cell = document.createElement('td');
        cell.textContent = formatCount(value);
        row.appendChild(cell);
      });
    el.statsTableBody.appendChild(row);
  });
}

// User lookup and reset

const STATUS_WORDS = { NONE: 'Off', PENDING: 'Setup in progress', ENABLED: 'On' };

async function lookupUser(userId, options = {}) {
  const seq = ++lookupSeq;
  if (!options.keepMessages) {
    [el.lookupError, el.resetResult, el.resetError].forEach((node) => setText(node, ''));
  }
  if (userId !== lookedUpUser) {
    el.lookupResult.hidden = true;
    closeReset();
  }
  try {
    const data = await adminApi('GET', `/admin/mfa/users/${encodeURIComponent(userId)}`);
    if (seq !== lookupSeq) return;
    renderLookup(data, userId);
    if (options.focus) el.lookupResult.focus({ preventScroll: true });
  } catch (err) {
    if (seq !== lookupSeq) return;
    if (operatorRequestEnded(err)) return;
    setText(el.lookupError, `Could not look up ${userId}. ${messageFor(err)}`);
  }
}

function renderLookup(data, requested) {
  const userId = typeof data.userId === 'string' && data.userId ? data.userId : requested;
  lookedUpUser = userId;
  setText(el.lookupTitle, userId);
  const status = typeof data.status === 'string' ? data.status : '';
  el.lookupStatus.dataset.status = status;
  if (status === 'ENABLED') {
    setText(el.lookupStatus, `On since ${formatDate(data.enabledAt)}`);
  } else if (status === 'PENDING') {
    setText(el.lookupStatus, `Setup in progress (expires at ${formatTime(data.expiresAt)})`);
  } else {
    setText(el.lookupStatus, STATUS_WORDS[status] || 'Unknown');
  }
  el.lookupStatus.title = status;
  const lockedUntilReset = data.lockedUntilReset === true;
  setText(el.lookupLock, lockedUntilReset ? 'Locked until you reset MFA (too many wrong codes)'
    : data.lockedUntil ? `Locked until ${formatWhen(data.lockedUntil)}` : 'Not locked');
  el.lookupLock.classList.toggle('locked', lockedUntilReset || Boolean(data.lockedUntil));
  setText(el.lookupFailed, formatCount(data.failedAttempts));
  setText(el.lookupRecovery, status === 'ENABLED' ? formatCount(data.recoveryCodesRemaining) : '–');
  el.lookupEvents.textContent = '';
  const events = Array.isArray(data.events) ? data.events.filter((e) => e && typeof e === 'object') : [];
  events.forEach((event) => {
    const operator = typeof event.operator === 'string' ? event.operator : '';
    el.lookupEvents.appendChild(eventItem(event, 'lookup-event', operator));
  });
  el.lookupEventsEmpty.hidden = events.length > 0;
  setText(el.resetTarget, userId);
  el.resetSection.hidden = !(status === 'ENABLED' || status === 'PENDING');
  if (el.resetSection.hidden) closeReset();
  el.lookupResult.hidden = false;
}

async function submitLookup() {
  const userId = el.lookupUser.value.trim();
  if (!userId) {
    setText(el.lookupError, 'Enter a user ID.');
    el.lookupUser.focus();
    return;
  }
  if (userId.length > 128) {
    setText(el.lookupError, 'A user ID has at most 128 characters.');
    el.lookupUser.focus();
    return;
  }
  await lookupUser(userId, { focus: true });
}

function openReset() {
  setText(el.resetResult, '');
  setText(el.resetError, '');
  el.resetReason.value = '';
  el.resetConfirmArea.hidden = false;
  el.resetUser.setAttribute('aria-expanded', 'true');
  el.resetCancel.focus(); // the safe choice has the focus; "Yes, reset" takes a deliberate move
}

function closeReset() {
  el.resetConfirmArea.hidden = true;
  el.resetUser.setAttribute('aria-expanded', 'false');
}

async function resetMfa() {
  const userId = lookedUpUser;
  if (!userId) return;
  setText(el.resetResult, '');
  setText(el.resetError, '');
  const reason = el.resetReason.value.trim();
  if (!reason) {
    setText(el.resetError, 'Say why you reset their MFA: it is recorded in their activity and in yours.');
    el.resetReason.focus();
    return;
  }
  try {
    const data = await adminApi('POST', `/admin/mfa/users/${encodeURIComponent(userId)}/reset`, { reason });
    closeReset();
    setText(el.resetResult, data.removed === 'PENDING'
      ? `Done: the setup ${userId} had started is cancelled. MFA is off for them.`
      : `Done: MFA is off for ${userId}. Their authenticator app and recovery codes no longer work; they set up MFA again at their next sign-in.`);
    el.lookupResult.focus({ preventScroll: true });
    const own = userId === ownUserId();
    await Promise.all([lookupUser(userId, { keepMessages: true }), loadStats()]);
    if (own) {
      refreshStatus({ keepMessages: true });
      refreshActivity();
    }
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid_request') {
      // The reason was refused (e.g. a character the service does not take): the dialog stays open with it.
      setText(el.resetError, `The reset did not happen. ${messageFor(err)}`);
      el.resetReason.focus();
      return;
    }
    closeReset();
    if (err instanceof ApiError && err.code === 'cannot_reset_self') {
      setText(el.resetError, 'You cannot reset your own MFA. Ask another operator, or remove it yourself under "Your MFA".');
      el.resetUser.focus();
      return;
    }
    if (operatorRequestEnded(err)) return;
    if (err instanceof ApiError && (err.status === 409 || err.code === 'mfa_not_enabled')) {
      setText(el.resetError, NOTHING_TO_RESET);
      await lookupUser(userId, { keepMessages: true });
      return;
    }
    setText(el.resetError, `The reset did not happen. ${messageFor(err)}`);
    el.resetUser.focus();
  }
}

/** After the signed-in user's own MFA changed: the figures, and the user shown if it is them. */
export function refreshOperatorView() {
  if (operatorShown()) {
    loadStats();
    if (lookedUpUser && lookedUpUser === ownUserId()) lookupUser(lookedUpUser, { keepMessages: true });
  }
}

export function wireHelpdesk() {
  onSubmit(el.stepUpForm, el.stepUp, confirmItsYou);
  onSubmit(el.lookupForm, el.lookup, submitLookup);
  el.refreshStats.addEventListener('click', () => withBusy(el.refreshStats, loadStats));
  el.resetUser.addEventListener('click', () => {
    if (el.resetConfirmArea.hidden) openReset();
    else closeReset();
  });
  el.resetCancel.addEventListener('click', () => {
    closeReset();
    el.resetUser.focus();
  });
  el.resetConfirm.addEventListener('click', () => withBusy(el.resetConfirm, resetMfa));
  redrawOnResize(() => (stats && operatorShown() ? stats : null));
}
