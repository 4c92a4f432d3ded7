// Setting up MFA: the QR code and the key for manual entry (POST /mfa/setup), cancelling a setup
// in progress, and confirming it with the first code (POST /mfa/confirm).

import { USER_KEY, api } from './api.js';
import { afterChange } from './activity.js';
import { clearMessages, copyText, el, isShown, onSubmit, setText, takeRequiredValue, withBusy } from './dom.js';
import { formatTime } from './format.js';
import { showProof } from './proof.js';
import { showRecoveryPanel } from './recovery.js';
import { refreshStatus, renderStatus, reportError, state } from './status.js';

const QR_HINT = 'Scan this with an authenticator app such as Google Authenticator, Microsoft Authenticator or LastPass Authenticator. A plain QR-code reader will not work.';

/** "ABCD EFGH IJKL ..." for manual entry. */
function groupKey(secret) {
  return String(secret || '').replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** Account and issuer from otpauth://totp/Issuer:account?secret=...&issuer=... */
function parseOtpauth(uri) {
  const result = { account: '', issuer: '', digits: 6 };
  const match = /^otpauth:\/\/totp\/([^?#]*)(?:\?([^#]*))?/i.exec(uri || '');
  if (!match) return result;
  let label = match[1];
  try {
    label = decodeURIComponent(label);
  } catch (e) {
    // keep the raw label
  }
  const params = new URLSearchParams(match[2] || '');
  const colon = label.indexOf(':');
  result.account = colon >= 0 ? label.slice(colon + 1).trim() : label;
  result.issuer = params.get('issuer') || (colon >= 0 ? label.slice(0, colon) : '');
  const digits = Number(params.get('digits'));
  if (Number.isInteger(digits) && digits >= 6 && digits <= 8) result.digits = digits;
  return result;
}

export function clearSetupDetails() {
  el.qrCode.removeAttribute('src');
  el.otpauthLink.setAttribute('href', '#');
  setText(el.manualKey, '');
  setText(el.setupAccount, '');
  setText(el.setupIssuer, '');
  setText(el.setupExpiry, '');
  setText(el.copyKeyStatus, '');
  el.setupDetails.hidden = true;
}

function showSetupDetails(setup) {
  el.qrCode.src = setup.qrCode;
  el.otpauthLink.href = setup.otpauthUri;
  setText(el.qrHint, QR_HINT);
  setText(el.manualKey, groupKey(setup.secret));
  setText(el.setupAccount, setup.account || sessionStorage.getItem(USER_KEY) || '');
  setText(el.setupIssuer, setup.issuer || '–');
  setText(el.setupExpiry,
    `This setup expires at ${formatTime(setup.expiresAt)}. Finish it before then, or start again.`);
}

async function startSetup() {
  clearMessages();
  try {
    const data = await api('POST', '/mfa/setup', {});
    const parsed = parseOtpauth(data.otpauthUri);
    state.setup = {
      secret: String(data.secret || ''),
      otpauthUri: String(data.otpauthUri || ''),
      qrCode: String(data.qrCode || ''),
      expiresAt: data.expiresAt,
      account: parsed.account,
      issuer: parsed.issuer,
      digits: parsed.digits,
    };
    state.statusSeq += 1; // an older status answer must not hide the new setup
    showSetupDetails(state.setup);
    renderStatus({ status: 'PENDING', expiresAt: data.expiresAt });
    el.confirmCode.value = '';
    el.setupDetails.scrollIntoView({ block: 'start', behavior: 'smooth' });
  } catch (err) {
    await reportError(err, el.setupError);
  } finally {
    afterChange();
  }
}

async function cancelSetup() {
  clearMessages();
  try {
    await api('POST', '/mfa/remove', {});
    state.setup = null;
    state.statusSeq += 1;
    renderStatus({ status: 'NONE' });
    setText(el.notice, 'Setup cancelled. MFA is off.');
    refreshStatus({ keepMessages: true });
  } catch (err) {
    await reportError(err, el.setupError);
  } finally {
    afterChange();
  }
}

async function confirmSetup() {
  clearMessages();
  const code = takeRequiredValue(el.confirmCode, el.confirmError, 'Enter the code from your authenticator app.');
  if (!code) return;
  try {
    const data = await api('POST', '/mfa/confirm', { code });
    state.setup = null;
    state.statusSeq += 1;
    renderStatus({ status: 'ENABLED', enabledAt: new Date().toISOString(),
      recoveryCodesRemaining: Array.isArray(data.recoveryCodes) ? data.recoveryCodes.length : undefined });
    setText(el.notice, 'MFA is on.');
    showRecoveryPanel(data.recoveryCodes, 'confirm');
    showProof(data);
    refreshStatus({ keepMessages: true });
  } catch (err) {
    await reportError(err, el.confirmError, el.setupError);
    if (isShown(el.confirmSection)) el.confirmCode.focus();
  } finally {
    afterChange();
  }
}

export function wireSetup() {
  el.setup.addEventListener('click', () => withBusy(el.setup, startSetup));
  el.cancelSetup.addEventListener('click', () => withBusy(el.cancelSetup, cancelSetup));
  el.copyKey.addEventListener('click', async () => {
    if (!state.setup) return;
    const ok = await copyText(state.setup.secret);
    setText(el.copyKeyStatus, ok ? 'Key copied.' : 'Could not copy. Select the key and copy it by hand.');
  });
  onSubmit(el.confirmSection, el.confirm, confirmSetup);
}
