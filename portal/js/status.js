// The MFA card's status line (GET /mfa) and which of its sections show; the errors of the card's
// actions, which reload the status when the server's state is not what the page shows.

import { ApiError, MSG, TOKEN_KEY, api, messageFor } from './api.js';
import { el, isShown, setText, withBusy } from './dom.js';
import { formatDate, formatTime, parseTime } from './format.js';
import { closeRemove } from './remove.js';
import { clearSetupDetails } from './setup.js';
import { sessionExpired, signInAgain } from './signin.js';

/** The user's MFA as the page knows it, in memory only. */
export const state = {
  status: null,          // last GET /mfa body (or a body derived from an action's answer)
  setup: null,           // {secret, otpauthUri, qrCode, expiresAt, account, issuer, digits}
  statusSeq: 0,          // drops answers of older status requests
  expiryTimer: 0,
};

export async function refreshStatus(options = {}) {
  const seq = ++state.statusSeq;
  if (!options.keepMessages) setText(el.statusError, '');
  try {
    const body = await api('GET', '/mfa');
    if (seq !== state.statusSeq) return;
    renderStatus(body);
  } catch (err) {
    if (seq !== state.statusSeq) return;
    if (err instanceof ApiError && err.kind === 'unauthorized') {
      sessionExpired();
      return;
    }
    if (!state.status) {
      el.status.dataset.status = 'UNKNOWN';
      setText(el.status, 'Unknown');
    }
    setText(el.statusError, `Could not load your MFA status. ${messageFor(err)}`);
    el.statusRetryRow.hidden = false;
  }
}

export function renderStatus(body) {
  const previous = state.status ? state.status.status : null;
  state.status = body || {};
  const status = state.status.status;
  el.status.dataset.status = status || '';
  el.status.textContent = '';

  if (status !== 'PENDING') {
    // A pending setup that is no longer pending (confirmed, cancelled or expired) is gone.
    if (state.setup && previous === 'PENDING' && status === 'NONE') {
      setText(el.setupError, MSG.noPendingSetup);
    }
    state.setup = null;
    clearSetupDetails();
    clearExpiryTimer();
  }
  if (status !== 'ENABLED') closeRemove();

  if (status === 'NONE') {
    el.status.textContent = 'Off';
  } else if (status === 'PENDING') {
    el.status.textContent = `Setup in progress (expires at ${formatTime(state.status.expiresAt)})`;
    scheduleExpiry(state.status.expiresAt);
  } else if (status === 'ENABLED') {
    const main = document.createElement('span');
    main.textContent = `On since ${formatDate(state.status.enabledAt)}`;
    el.status.appendChild(main);
    const n = Number(state.status.recoveryCodesRemaining);
    if (Number.isFinite(n)) {
      const sub = document.createElement('span');
      sub.id = 'recovery-remaining';
      sub.className = 'status-sub';
      sub.dataset.testid = 'recovery-remaining';
      sub.textContent = ` · ${n} recovery ${n === 1 ? 'code' : 'codes'} left`;
      el.status.appendChild(sub);
    }
  } else {
    el.status.textContent = 'Unknown';
  }

  // Sections for the status.
  el.setupSection.hidden = !(status === 'NONE' || status === 'PENDING');
  el.confirmSection.hidden = status !== 'PENDING';
  el.enabledSections.hidden = status !== 'ENABLED';
  el.cancelSetup.hidden = status !== 'PENDING';
  el.setup.textContent = status === 'PENDING' ? 'Set up again' : 'Set up';

  if (status === 'NONE') {
    setText(el.setupIntro, 'You will scan a QR code with an authenticator app, then enter the code it shows.');
  } else if (status === 'PENDING' && state.setup) {
    setText(el.setupIntro, 'Add your account to the app with one of the two steps below, then confirm with a code. “Set up again” gives you a new QR code; the old one then stops working.');
  } else if (status === 'PENDING') {
    setText(el.setupIntro, 'A setup was started but its QR code is no longer shown. If you already added the account to your app, confirm with a code below. Otherwise press “Set up again” for a new QR code; the old one then stops working.');
  }
  el.setupDetails.hidden = !(status === 'PENDING' && state.setup);

  const digits = state.setup ? state.setup.digits : 6;
  setText(el.confirmIntro, `Enter the ${digits}-digit code your authenticator app shows now. MFA is turned on only after this step.`);

  if (status === 'ENABLED' && Number(state.status.recoveryCodesRemaining) === 0 && !el.notice.textContent) {
    setText(el.notice, 'You have no recovery code left. Regenerate your recovery codes below.');
  }
}

export function clearExpiryTimer() {
  if (state.expiryTimer) clearTimeout(state.expiryTimer);
  state.expiryTimer = 0;
}

/** Reloads the status shortly after a pending setup expires, so the page does not go stale. */
function scheduleExpiry(expiresAt) {
  clearExpiryTimer();
  const d = parseTime(expiresAt);
  if (!d) return;
  const delay = Math.min(Math.max(d.getTime() - Date.now() + 1500, 1000), 0x7fffffff);
  state.expiryTimer = setTimeout(() => {
    state.expiryTimer = 0;
    if (sessionStorage.getItem(TOKEN_KEY)) refreshStatus({ keepMessages: true });
  }, delay);
}

/**
 * Shows an error next to the action that failed. A 401 ends the session instead (for a sign-in too
 * old for the change: the sign-in again, with the reason). Errors that
 * mean the server's state differs from what the page shows also reload the status; if the
 * action's own section is gone after that, the message goes to `fallback` (or the status area).
 */
export async function reportError(err, alertNode, fallback) {
  if (err instanceof ApiError && err.kind === 'unauthorized') {
    if (err.code === 'reauthentication_required') signInAgain(alertNode);
    else sessionExpired();
    return;
  }
  const message = messageFor(err);
  const stateChanged = err instanceof ApiError &&
    ['no_pending_setup', 'mfa_already_enabled', 'mfa_not_enabled'].includes(err.code);
  if (stateChanged) {
    if (err.code === 'no_pending_setup') state.setup = null;
    await refreshStatus({ keepMessages: true });
    if (sessionStorage.getItem(TOKEN_KEY) === null) return;
    const target = [fallback, alertNode, el.statusError]
      .find((node) => node && isShown(node)) || el.statusError;
    setText(target, message);
    return;
  }
  setText(alertNode, message);
}

export function wireStatus() {
  el.reloadStatus.addEventListener('click', () => withBusy(el.reloadStatus, () => refreshStatus()));
}
