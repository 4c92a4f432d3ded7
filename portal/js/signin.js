// Signing in and out: the development sign-in (POST /dev/token, optionally as an operator), which
// of the two cards shows, and forgetting everything about the user on sign-out, an expired
// session, or a sign-in too old for a change to MFA.

import { MSG, OPERATOR_GROUP, TOKEN_KEY, USER_KEY, api, messageFor } from './api.js';
import { clearActivity, refreshActivity } from './activity.js';
import { CODE_INPUTS, clearMessages, el, isShown, onSubmit, setText } from './dom.js';
import { loadStats, resetOperator, showHelpdesk } from './helpdesk.js';
import { forgetProof } from './proof.js';
import { hideRecoveryPanel } from './recovery.js';
import { closeRemove } from './remove.js';
import { clearSetupDetails } from './setup.js';
import { clearExpiryTimer, refreshStatus, state } from './status.js';

function showSignIn(message) {
  el.sessionInfo.hidden = true;
  el.mfaCard.hidden = true;
  el.signInCard.hidden = false;
  setText(el.sessionMessage, message || '');
  el.username.focus();
}

export function showApp() {
  const username = sessionStorage.getItem(USER_KEY) || '';
  setText(el.signedInUser, username);
  el.sessionInfo.hidden = false;
  el.signInCard.hidden = true;
  el.mfaCard.hidden = false;
  // The card only shows for a token that claims the group; the server decides on every request.
  showHelpdesk();
}

/** Forgets everything the page holds about the signed-in user. */
function resetUserState() {
  state.status = null;
  state.setup = null;
  state.statusSeq += 1;
  clearExpiryTimer();
  hideRecoveryPanel();
  forgetProof();
  closeRemove();
  clearSetupDetails();
  CODE_INPUTS.forEach((input) => { input.value = ''; });
  clearMessages();
  el.status.dataset.status = '';
  setText(el.status, 'Loading…');
  el.setupSection.hidden = true;
  el.confirmSection.hidden = true;
  el.enabledSections.hidden = true;
  clearActivity();
  resetOperator();
}

function signOut(message) {
  const lastUser = sessionStorage.getItem(USER_KEY) || '';
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  resetUserState();
  el.operator.checked = false; // operator rights only when asked for again
  if (lastUser && !el.username.value) el.username.value = lastUser;
  showSignIn(message);
}

export function sessionExpired() {
  signOut(MSG.sessionExpired);
}

/**
 * Setup, new recovery codes and removal need a recent sign-in (401 reauthentication_required):
 * back to the sign-in, the user name filled in, with a message that says why. Recovery codes on
 * screen that the user has not said they saved are not thrown away for it: then the message, next
 * to the action, asks to save them first.
 */
export function signInAgain(alertNode) {
  if (isShown(el.recoveryPanel)) {
    setText(alertNode, MSG.signInAgainAfterSaving);
    return;
  }
  signOut(MSG.signInAgain);
}

async function signIn() {
  clearMessages();
  const username = el.username.value.trim();
  if (!username) {
    setText(el.signInError, 'Enter a user name.');
    el.username.focus();
    return;
  }
  try {
    const request = { username };
    if (el.operator.checked) request.groups = [OPERATOR_GROUP];
    const data = await api('POST', '/dev/token', request);
    if (!data || typeof data.token !== 'string' || !data.token) {
      setText(el.signInError, 'The server did not return a token. Try again.');
      return;
    }
    resetUserState();
    sessionStorage.setItem(TOKEN_KEY, data.token);
    sessionStorage.setItem(USER_KEY, username);
    showApp();
    el.mfaTitle.focus();
    await Promise.all([refreshStatus(), refreshActivity(), loadStats()]);
  } catch (err) {
    setText(el.signInError, messageFor(err));
  }
}

export function wireSignIn() {
  onSubmit(el.signInForm, el.signIn, signIn);
  el.signOut.addEventListener('click', (event) => {
    event.preventDefault();
    signOut('');
    setText(el.sessionMessage, '');
  });
}
