// Recovery codes: the panel that shows new ones once (copy, download, "I have saved it"), using a
// recovery code in place of the app (POST /mfa/recover), and making new ones (POST
// /mfa/recovery-codes).

import { USER_KEY, api } from './api.js';
import { afterChange } from './activity.js';
import { clearMessages, copyText, el, onSubmit, setText, takeRequiredValue } from './dom.js';
import { pad2 } from './format.js';
import { showProof } from './proof.js';
import { refreshStatus, reportError } from './status.js';

const TEXT = {
  recoveryUsed: 'Your recovery code was used. Here is your new one:',
  warningOne: 'Save this code now. It is shown only once. If you lose your phone, it is the only way back into your account.',
  warningMany: 'Save these codes now. They are shown only once. If you lose your phone, they are the only way back into your account.',
};

let recoveryCodes = null; // codes shown in the panel, until "I have saved it"

export function showRecoveryPanel(codes, reason) {
  const list = Array.isArray(codes) ? codes.map(String) : [];
  recoveryCodes = list;
  const many = list.length !== 1;
  setText(el.recoveryTitle, many ? 'Your recovery codes' : 'Your recovery code');
  let intro;
  if (reason === 'recover') {
    intro = TEXT.recoveryUsed;
  } else if (reason === 'regenerate') {
    intro = many
      ? 'Here are your new recovery codes. Your old recovery codes no longer work.'
      : 'Here is your new recovery code. Your old recovery codes no longer work.';
  } else {
    intro = many
      ? 'These are your recovery codes, for when you cannot use your authenticator app:'
      : 'This is your recovery code, for when you cannot use your authenticator app:';
  }
  setText(el.recoveryIntro, intro);
  el.recoveryList.textContent = '';
  list.forEach((code) => {
    const li = document.createElement('li');
    li.textContent = code;
    el.recoveryList.appendChild(li);
  });
  setText(el.recoveryWarning, many ? TEXT.warningMany : TEXT.warningOne);
  setText(el.recoveryCopyStatus, '');
  el.recoveryPanel.hidden = false;
  el.recoveryPanel.focus({ preventScroll: true });
  el.recoveryPanel.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

export function hideRecoveryPanel() {
  recoveryCodes = null;
  el.recoveryList.textContent = '';
  setText(el.recoveryCopyStatus, '');
  el.recoveryPanel.hidden = true;
}

async function copyRecoveryCodes() {
  if (!recoveryCodes) return;
  const ok = await copyText(recoveryCodes.join('\n'));
  setText(el.recoveryCopyStatus, ok
    ? (recoveryCodes.length === 1 ? 'Copied. Paste it somewhere safe.' : 'Copied. Paste them somewhere safe.')
    : 'Could not copy. Select the code and copy it by hand.');
}

function downloadRecoveryCodes() {
  if (!recoveryCodes) return;
  const codes = recoveryCodes;
  const user = sessionStorage.getItem(USER_KEY) || '';
  const now = new Date();
  const stamp = `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
  const lines = [
    codes.length === 1 ? 'Multi-factor authentication: recovery code' : 'Multi-factor authentication: recovery codes',
    user ? `Account: ${user}` : '',
    `Saved: ${stamp} ${pad2(now.getHours())}:${pad2(now.getMinutes())} (local time)`,
    '',
    ...codes,
    '',
    'Each recovery code works once, in place of a code from your authenticator app.',
    'When you use it, you get a new one: save that one too.',
    'Keep this file somewhere safe, not on the phone that has your authenticator app.',
    '',
  ].filter((line, i) => i !== 1 || line);
  const blob = new Blob([lines.join('\r\n')], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = codes.length === 1 ? `recovery-code-${stamp}.txt` : `recovery-codes-${stamp}.txt`;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  setText(el.recoveryCopyStatus, 'Downloaded. Keep the file somewhere safe.');
}

function dismissRecoveryPanel() {
  hideRecoveryPanel();
  setText(el.notice, '');
  el.mfaTitle.focus();
}

async function useRecoveryCode() {
  clearMessages();
  const recoveryCode = takeRequiredValue(el.recoverCode, el.recoverError, 'Enter your recovery code.');
  if (!recoveryCode) return;
  try {
    const data = await api('POST', '/mfa/recover', { recoveryCode });
    showRecoveryPanel(data.recoveryCodes, 'recover');
    showProof(data);
    refreshStatus({ keepMessages: true });
  } catch (err) {
    await reportError(err, el.recoverError);
  } finally {
    afterChange();
  }
}

async function regenerateCodes() {
  clearMessages();
  const code = takeRequiredValue(el.regenerateCode, el.regenerateError, 'Enter the current code from your authenticator app.');
  if (!code) return;
  try {
    const data = await api('POST', '/mfa/recovery-codes', { code });
    showRecoveryPanel(data.recoveryCodes, 'regenerate');
    refreshStatus({ keepMessages: true });
  } catch (err) {
    await reportError(err, el.regenerateError);
  } finally {
    afterChange();
  }
}

export function wireRecovery() {
  onSubmit(el.recoverSection, el.recover, useRecoveryCode);
  onSubmit(el.regenerateSection, el.regenerate, regenerateCodes);
  el.copyRecovery.addEventListener('click', copyRecoveryCodes);
  el.downloadRecovery.addEventListener('click', downloadRecoveryCodes);
  el.recoverySaved.addEventListener('click', dismissRecoveryPanel);
}
