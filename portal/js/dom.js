// The page's elements by id (one map, grouped like index.html) and the small DOM helpers every
// screen uses.

const $ = (id) => document.getElementById(id);

export const el = {
  sessionInfo: $('session-info'),
  signedInUser: $('signed-in-user'),
  signOut: $('sign-out'),
  signInCard: $('sign-in-card'),
  sessionMessage: $('session-message'),
  signInForm: $('sign-in-form'),
  username: $('username'),
  signIn: $('sign-in'),
  signInError: $('sign-in-error'),
  operator: $('operator'),

  mfaCard: $('mfa-card'),
  mfaTitle: $('mfa-title'),
  status: $('mfa-status'),
  statusError: $('status-error'),
  statusRetryRow: $('status-retry-row'),
  reloadStatus: $('reload-status'),
  notice: $('mfa-notice'),

  proofPanel: $('mfa-proof'),
  proofUntil: $('proof-until'),
  proofClaims: $('proof-claims'),

  recoveryPanel: $('recovery-codes'),
  recoveryTitle: $('recovery-title'),
  recoveryIntro: $('recovery-intro'),
  recoveryList: $('recovery-code-list'),
  recoveryWarning: $('recovery-warning'),
  copyRecovery: $('copy-recovery'),
  downloadRecovery: $('download-recovery'),
  recoverySaved: $('recovery-saved'),
  recoveryCopyStatus: $('recovery-copy-status'),

  setupSection: $('setup-section'),
  setupIntro: $('setup-intro'),
  setup: $('setup'),
  cancelSetup: $('cancel-setup'),
  setupError: $('setup-error'),
  setupDetails: $('setup-details'),
  qrHint: $('qr-hint'),
  qrCode: $('qr-code'),
  otpauthLink: $('otpauth-link'),
  manualKey: $('manual-key'),
  copyKey: $('copy-key'),
  copyKeyStatus: $('copy-key-status'),
  setupAccount: $('setup-account'),
  setupIssuer: $('setup-issuer'),
  setupExpiry: $('setup-expiry'),

  confirmSection: $('confirm-section'),
  confirmIntro: $('confirm-intro'),
  confirmCode: $('confirm-code'),
  confirm: $('confirm'),
  confirmError: $('confirm-error'),

  enabledSections: $('enabled-sections'),
  verifySection: $('verify-section'),
  verifyCode: $('verify-code'),
  verify: $('verify'),
  verifyResult: $('verify-result'),
  verifyError: $('verify-error'),

  recoverSection: $('recover-section'),
  recoverCode: $('recover-code'),
  recover: $('recover'),
  recoverError: $('recover-error'),

  regenerateSection: $('regenerate-section'),
  regenerateCode: $('regenerate-code'),
  regenerate: $('regenerate'),
  regenerateError: $('regenerate-error'),

  remove: $('remove'),
  removeArea: $('remove-confirm-area'),
  removeCode: $('remove-code'),
  removeConfirm: $('remove-confirm'),
  removeCancel: $('remove-cancel'),
  removeError: $('remove-error'),

  activityList: $('security-activity-list'),
  activityEmpty: $('activity-empty'),
  activityError: $('activity-error'),
  activityMore: $('activity-more'),
  activityRetry: $('activity-retry'),

  operatorCard: $('operator-card'),
  operatorError: $('operator-error'),
  stepUpForm: $('step-up-form'),
  stepUpIntro: $('step-up-intro'),
  stepUpCode: $('step-up-code'),
  stepUp: $('step-up'),
  stepUpError: $('step-up-error'),
  operatorBody: $('operator-body'),
  stepUpUntil: $('step-up-until'),
  statsAt: $('stats-at'),
  refreshStats: $('refresh-stats'),
  statEnabled: $('stat-enabled'),
  statPending: $('stat-pending'),
  statAdoption: $('stat-adoption'),
  statsNote: $('stats-note'),
  statsError: $('stats-error'),
  adoptionChart: $('adoption-chart'),
  adoptionChartSource: $('adoption-chart-source'),
  changesChart: $('changes-chart'),
  statsTableBody: document.querySelector('#stats-table tbody'),
  lookupForm: $('lookup-form'),
  lookupUser: $('lookup-user'),
  lookup: $('lookup'),
  lookupError: $('lookup-error'),
  lookupResult: $('lookup-result'),
  lookupTitle: $('lookup-title'),
  lookupStatus: $('lookup-status'),
  lookupLock: $('lookup-lock'),
  lookupFailed: $('lookup-failed'),
  lookupRecovery: $('lookup-recovery'),
  lookupEvents: $('lookup-events'),
  lookupEventsEmpty: $('lookup-events-empty'),
  resetResult: $('reset-result'),
  resetError: $('reset-error'),
  resetSection: $('reset-section'),
  resetUser: $('reset-user'),
  resetConfirmArea: $('reset-confirm-area'),
  resetTarget: $('reset-target'),
  resetConfirm: $('reset-confirm'),
  resetReason: $('reset-reason'),
  resetCancel: $('reset-cancel'),
};

// Every message element (role=alert / role=status); emptied before each new action.
const MESSAGE_ELEMENTS = [
  el.sessionMessage, el.signInError, el.statusError, el.notice, el.recoveryCopyStatus,
  el.setupError, el.copyKeyStatus, el.confirmError, el.verifyResult, el.verifyError,
  el.recoverError, el.regenerateError, el.removeError, el.stepUpError,
];

export const CODE_INPUTS = [el.confirmCode, el.verifyCode, el.recoverCode, el.regenerateCode, el.removeCode,
  el.stepUpCode];

export function setText(node, text) {
  node.textContent = text || '';
}

export function clearMessages() {
  MESSAGE_ELEMENTS.forEach((node) => setText(node, ''));
  el.statusRetryRow.hidden = true;
}

export function isShown(node) {
  for (let n = node; n && n !== document.body; n = n.parentElement) {
    if (n.hidden) return false;
  }
  return true;
}

/** Reads and clears a code input (codes never stay in the page after a submit). */
export function takeValue(input) {
  const value = input.value.trim();
  input.value = '';
  return value;
}

/**
 * Takes a code input's value (see takeValue); when it is empty, says what is missing next to it,
 * puts the cursor there and returns '' so the caller stops before calling the API.
 */
export function takeRequiredValue(input, errorNode, whatIsMissing) {
  const value = takeValue(input);
  if (!value) {
    setText(errorNode, whatIsMissing);
    input.focus();
  }
  return value;
}

/** Runs an action with its button disabled; ignores a second click while it runs. */
export async function withBusy(button, action) {
  if (button.disabled) return;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      // fall through to the older way
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '0';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch (e) {
    ok = false;
  }
  area.value = '';
  area.remove();
  return ok;
}

/** A form's submit runs `action` with its button busy, without reloading the page. */
export function onSubmit(form, button, action) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withBusy(button, action);
  });
}
