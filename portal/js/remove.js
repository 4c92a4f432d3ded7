// Turning MFA off, in two steps: the button opens the confirmation, which takes a code from the app
// or a recovery code (POST /mfa/remove).

import { api } from './api.js';
import { afterChange } from './activity.js';
import { clearMessages, el, isShown, onSubmit, setText, takeRequiredValue } from './dom.js';
import { forgetProof } from './proof.js';
import { hideRecoveryPanel } from './recovery.js';
import { refreshStatus, renderStatus, reportError, state } from './status.js';

function openRemove() {
  clearMessages();
  el.removeArea.hidden = false;
  el.remove.setAttribute('aria-expanded', 'true');
  el.removeCode.value = '';
  el.removeCode.focus();
}

export function closeRemove() {
  el.removeArea.hidden = true;
  el.remove.setAttribute('aria-expanded', 'false');
  el.removeCode.value = '';
  setText(el.removeError, '');
}

/** A 6-8 digit TOTP code (spaces ignored) or else a recovery code. */
function removeBody(value) {
  const digits = value.replace(/\s+/g, '');
  return /^\d{6,8}$/.test(digits) ? { code: digits } : { recoveryCode: value };
}

async function removeMfa() {
  clearMessages();
  const value = takeRequiredValue(el.removeCode, el.removeError, 'Enter a code from your authenticator app, or a recovery code.');
  if (!value) return;
  try {
    await api('POST', '/mfa/remove', removeBody(value));
    hideRecoveryPanel();
    forgetProof();
    closeRemove();
    state.statusSeq += 1;
    renderStatus({ status: 'NONE' });
    setText(el.notice, 'MFA is off for your account.');
    el.mfaTitle.focus();
    refreshStatus({ keepMessages: true });
  } catch (err) {
    await reportError(err, el.removeError);
    if (isShown(el.removeArea)) el.removeCode.focus();
  } finally {
    afterChange();
  }
}

export function wireRemove() {
  onSubmit(el.removeArea, el.removeConfirm, removeMfa);
  el.remove.addEventListener('click', () => {
    if (el.removeArea.hidden) openRemove();
    else closeRemove();
  });
  el.removeCancel.addEventListener('click', () => {
    closeRemove();
    el.remove.focus();
  });
}
