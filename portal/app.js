/*
 * MFA portal page: plain ES2020, no framework, no modules, no external resources.
 * Talks to the API on the same origin (docs: shared/design/api-contract.md).
 *
 * Rules kept here: codes, secrets and tokens are never written to the console; every code input
 * is cleared as soon as it is submitted; the TOTP secret and recovery codes live only in memory
 * (never in storage) and are dropped when the user moves on or signs out.
 */
'use strict';

(() => {
  const TOKEN_KEY = 'mfaPortal.token';
  const USER_KEY = 'mfaPortal.username';

  const MSG = {
    sessionExpired: 'Your session expired, please sign in again',
    network: 'Cannot reach the server.',
    invalidCode: 'That code is not right, or it was already used. Enter the current code from your app.',
    invalidRecoveryCode: 'That recovery code is not right, or it was already used. Check it and try again.',
    noPendingSetup: 'Your setup expired. Start again.',
    alreadyEnabled: 'MFA is already on for your account. Nothing was changed.',
    notEnabled: 'MFA is not on for your account. Nothing was changed.',
    unavailable: 'The service is busy. Nothing was changed. Try again in a few seconds.',
    serverError: 'Something went wrong on the server. Try again in a few seconds.',
    invalidRequest: 'The server could not accept that. Check what you entered and try again.',
    recoveryUsed: 'Your recovery code was used. Here is your new one:',
    warningOne: 'Save this code now. It is shown only once. If you lose your phone, it is the only way back into your account.',
    warningMany: 'Save these codes now. They are shown only once. If you lose your phone, they are the only way back into your account.',
    qrHint: 'Scan this with an authenticator app such as Google Authenticator, Microsoft Authenticator or LastPass Authenticator. A plain QR-code reader will not work.',
  };

  const $ = (id) => document.getElementById(id);

  const el = {
    sessionInfo: $('session-info'),
    signedInUser: $('signed-in-user'),
    signOut: $('sign-out'),
    signInCard: $('sign-in-card'),
    sessionMessage: $('session-message'),
    signInForm: $('sign-in-form'),
    username: $('username'),
    signIn: $('sign-in'),
    signInError: $('sign-in-error'),

    mfaCard: $('mfa-card'),
    mfaTitle: $('mfa-title'),
    status: $('mfa-status'),
    statusError: $('status-error'),
    statusRetryRow: $('status-retry-row'),
    reloadStatus: $('reload-status'),
    notice: $('mfa-notice'),

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
  };

  // Every message element (role=alert / role=status); emptied before each new action.
  const MESSAGE_ELEMENTS = [
    el.sessionMessage, el.signInError, el.statusError, el.notice, el.recoveryCopyStatus,
    el.setupError, el.copyKeyStatus, el.confirmError, el.verifyResult, el.verifyError,
    el.recoverError, el.regenerateError, el.removeError,
  ];

  const CODE_INPUTS = [el.confirmCode, el.verifyCode, el.recoverCode, el.regenerateCode, el.removeCode];

  /** In-memory page state. */
  const state = {
    status: null,          // last GET /mfa body (or a body derived from an action's answer)
    setup: null,           // {secret, otpauthUri, qrCode, expiresAt, account, issuer, digits}
    recoveryCodes: null,   // codes shown in the panel, until "I have saved it"
    statusSeq: 0,          // drops answers of older status requests
    expiryTimer: 0,
  };

  // ---------------------------------------------------------------------------------------------
  // HTTP

  class ApiError extends Error {
    /**
     * @param {'network'|'unauthorized'|'http'} kind
     * @param {number} status HTTP status (0 for network failures)
     * @param {string} code the contract's `error` code, if any
     * @param {string} serverMessage the contract's `message`, if any
     * @param {number|null} retryAfter seconds from the Retry-After header
     */
    constructor(kind, status = 0, code = '', serverMessage = '', retryAfter = null) {
      super(code || kind);
      this.name = 'ApiError';
      this.kind = kind;
      this.status = status;
      this.code = code;
      this.serverMessage = serverMessage;
      this.retryAfter = retryAfter;
    }
  }

  /** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
  function parseRetryAfter(value) {
    if (!value) return null;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return null;
    return Math.max(0, Math.round((date - Date.now()) / 1000));
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token && path.startsWith('/mfa')) headers.Authorization = `Bearer ${token}`;
    const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }

    let response;
    let text;
    try {
      response = await fetch(path, init);
      text = await response.text();
    } catch (e) {
      throw new ApiError('network');
    }

    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (response.ok) return data && typeof data === 'object' ? data : {};

    if (response.status === 401) throw new ApiError('unauthorized', 401);
    const code = data && typeof data.error === 'string' ? data.error : '';
    const message = data && typeof data.message === 'string' ? data.message : '';
    throw new ApiError('http', response.status, code, message,
      parseRetryAfter(response.headers.get('Retry-After')));
  }

  /** Words a person understands, for every error the contract defines. */
  function messageFor(err) {
    if (!(err instanceof ApiError)) return MSG.serverError;
    if (err.kind === 'network') return MSG.network;
    if (err.kind === 'unauthorized') return MSG.sessionExpired;
    switch (err.code) {
      case 'invalid_code': return MSG.invalidCode;
      case 'invalid_recovery_code': return MSG.invalidRecoveryCode;
      case 'too_many_attempts': return tooManyAttempts(err.retryAfter);
      case 'no_pending_setup': return MSG.noPendingSetup;
      case 'mfa_already_enabled': return MSG.alreadyEnabled;
      case 'mfa_not_enabled': return MSG.notEnabled;
      case 'invalid_request': return err.serverMessage || MSG.invalidRequest;
      case 'service_unavailable': return MSG.unavailable;
      default:
        if (err.status === 503) return MSG.unavailable;
        if (err.status >= 500) return MSG.serverError;
        return err.serverMessage || `The request failed (HTTP ${err.status}). Try again.`;
    }
  }

  function tooManyAttempts(seconds) {
    if (seconds === null || seconds === undefined) {
      return 'Too many wrong codes. Try again in a few minutes.';
    }
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return `Too many wrong codes. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function setText(node, text) {
    node.textContent = text || '';
  }

  function clearMessages() {
    MESSAGE_ELEMENTS.forEach((node) => setText(node, ''));
    el.statusRetryRow.hidden = true;
  }

  function pad2(n) {
    return String(n).padStart(2, '0');
  }

  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];

  function parseTime(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  /** HH:MM in the user's local time. */
  function formatTime(iso) {
    const d = parseTime(iso);
    return d ? `${pad2(d.getHours())}:${pad2(d.getMinutes())}` : String(iso || '');
  }

  /** e.g. "28 November 2026", local date. */
  function formatDate(iso) {
    const d = parseTime(iso);
    return d ? `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}` : String(iso || '');
  }

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

  /** Reads and clears a code input (codes never stay in the page after a submit). */
  function takeValue(input) {
    const value = input.value.trim();
    input.value = '';
    return value;
  }

  /** Runs an action with its button disabled; ignores a second click while it runs. */
  async function withBusy(button, action) {
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

  async function copyText(text) {
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

  // ---------------------------------------------------------------------------------------------
  // Session

  function showSignIn(message) {
    el.sessionInfo.hidden = true;
    el.mfaCard.hidden = true;
    el.signInCard.hidden = false;
    setText(el.sessionMessage, message || '');
    el.username.focus();
  }

  function showApp() {
    const username = sessionStorage.getItem(USER_KEY) || '';
    setText(el.signedInUser, username);
    el.sessionInfo.hidden = false;
    el.signInCard.hidden = true;
    el.mfaCard.hidden = false;
  }

  /** Forgets everything the page holds about the signed-in user. */
  function resetUserState() {
    state.status = null;
    state.setup = null;
    state.statusSeq += 1;
    clearExpiryTimer();
    hideRecoveryPanel();
    closeRemove();
    clearSetupDetails();
    CODE_INPUTS.forEach((input) => { input.value = ''; });
    clearMessages();
    el.status.dataset.status = '';
    setText(el.status, 'Loading…');
    el.setupSection.hidden = true;
    el.confirmSection.hidden = true;
    el.enabledSections.hidden = true;
  }

  function signOut(message) {
    const lastUser = sessionStorage.getItem(USER_KEY) || '';
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    resetUserState();
    if (lastUser && !el.username.value) el.username.value = lastUser;
    showSignIn(message);
  }

  function sessionExpired() {
    signOut(MSG.sessionExpired);
  }

  /**
   * Shows an error next to the action that failed. A 401 ends the session instead. Errors that
   * mean the server's state differs from what the page shows also reload the status; if the
   * action's own section is gone after that, the message goes to `fallback` (or the status area).
   */
  async function reportError(err, alertNode, fallback) {
    if (err instanceof ApiError && err.kind === 'unauthorized') {
      sessionExpired();
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

  function isShown(node) {
    for (let n = node; n && n !== document.body; n = n.parentElement) {
      if (n.hidden) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  async function refreshStatus(options = {}) {
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

  function renderStatus(body) {
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

  function clearExpiryTimer() {
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

  // ---------------------------------------------------------------------------------------------
  // Setup

  function clearSetupDetails() {
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
    setText(el.qrHint, MSG.qrHint);
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
    }
  }

  async function confirmSetup() {
    clearMessages();
    const code = takeValue(el.confirmCode);
    if (!code) {
      setText(el.confirmError, 'Enter the code from your authenticator app.');
      el.confirmCode.focus();
      return;
    }
    try {
      const data = await api('POST', '/mfa/confirm', { code });
      state.setup = null;
      state.statusSeq += 1;
      renderStatus({ status: 'ENABLED', enabledAt: new Date().toISOString(),
        recoveryCodesRemaining: Array.isArray(data.recoveryCodes) ? data.recoveryCodes.length : undefined });
      setText(el.notice, 'MFA is on.');
      showRecoveryPanel(data.recoveryCodes, 'confirm');
      refreshStatus({ keepMessages: true });
    } catch (err) {
      await reportError(err, el.confirmError, el.setupError);
      if (isShown(el.confirmSection)) el.confirmCode.focus();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery code panel

  function showRecoveryPanel(codes, reason) {
    const list = Array.isArray(codes) ? codes.map(String) : [];
    state.recoveryCodes = list;
    const many = list.length !== 1;
    setText(el.recoveryTitle, many ? 'Your recovery codes' : 'Your recovery code');
    let intro;
    if (reason === 'recover') {
      intro = MSG.recoveryUsed;
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
    setText(el.recoveryWarning, many ? MSG.warningMany : MSG.warningOne);
    setText(el.recoveryCopyStatus, '');
    el.recoveryPanel.hidden = false;
    el.recoveryPanel.focus({ preventScroll: true });
    el.recoveryPanel.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  function hideRecoveryPanel() {
    state.recoveryCodes = null;
    el.recoveryList.textContent = '';
    setText(el.recoveryCopyStatus, '');
    el.recoveryPanel.hidden = true;
  }

  async function copyRecoveryCodes() {
    if (!state.recoveryCodes) return;
    const ok = await copyText(state.recoveryCodes.join('\n'));
    setText(el.recoveryCopyStatus, ok
      ? (state.recoveryCodes.length === 1 ? 'Copied. Paste it somewhere safe.' : 'Copied. Paste them somewhere safe.')
      : 'Could not copy. Select the code and copy it by hand.');
  }

  function downloadRecoveryCodes() {
    if (!state.recoveryCodes) return;
    const codes = state.recoveryCodes;
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

  // ---------------------------------------------------------------------------------------------
  // Enabled: verify, recover, regenerate, remove

  async function verifyCode() {
    clearMessages();
    const code = takeValue(el.verifyCode);
    if (!code) {
      setText(el.verifyError, 'Enter the code from your authenticator app.');
      el.verifyCode.focus();
      return;
    }
    try {
      const data = await api('POST', '/mfa/verify', { code });
      if (data.verified === true) {
        setText(el.verifyResult, 'Code accepted');
      } else {
        setText(el.verifyError, MSG.invalidCode);
      }
    } catch (err) {
      await reportError(err, el.verifyError);
    }
  }

  async function useRecoveryCode() {
    clearMessages();
    const recoveryCode = takeValue(el.recoverCode);
    if (!recoveryCode) {
      setText(el.recoverError, 'Enter your recovery code.');
      el.recoverCode.focus();
      return;
    }
    try {
      const data = await api('POST', '/mfa/recover', { recoveryCode });
      showRecoveryPanel(data.recoveryCodes, 'recover');
      refreshStatus({ keepMessages: true });
    } catch (err) {
      await reportError(err, el.recoverError);
    }
  }

  async function regenerateCodes() {
    clearMessages();
    const code = takeValue(el.regenerateCode);
    if (!code) {
      setText(el.regenerateError, 'Enter the current code from your authenticator app.');
      el.regenerateCode.focus();
      return;
    }
    try {
      const data = await api('POST', '/mfa/recovery-codes', { code });
      showRecoveryPanel(data.recoveryCodes, 'regenerate');
      refreshStatus({ keepMessages: true });
    } catch (err) {
      await reportError(err, el.regenerateError);
    }
  }

  function openRemove() {
    clearMessages();
    el.removeArea.hidden = false;
    el.remove.setAttribute('aria-expanded', 'true');
    el.removeCode.value = '';
    el.removeCode.focus();
  }

  function closeRemove() {
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
    const value = takeValue(el.removeCode);
    if (!value) {
      setText(el.removeError, 'Enter a code from your authenticator app, or a recovery code.');
      el.removeCode.focus();
      return;
    }
    try {
      await api('POST', '/mfa/remove', removeBody(value));
      hideRecoveryPanel();
      closeRemove();
      state.statusSeq += 1;
      renderStatus({ status: 'NONE' });
      setText(el.notice, 'MFA is off for your account.');
      el.mfaTitle.focus();
      refreshStatus({ keepMessages: true });
    } catch (err) {
      await reportError(err, el.removeError);
      if (isShown(el.removeArea)) el.removeCode.focus();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sign-in

  async function signIn() {
    clearMessages();
    const username = el.username.value.trim();
    if (!username) {
      setText(el.signInError, 'Enter a user name.');
      el.username.focus();
      return;
    }
    try {
      const data = await api('POST', '/dev/token', { username });
      if (!data || typeof data.token !== 'string' || !data.token) {
        setText(el.signInError, 'The server did not return a token. Try again.');
        return;
      }
      resetUserState();
      sessionStorage.setItem(TOKEN_KEY, data.token);
      sessionStorage.setItem(USER_KEY, username);
      showApp();
      el.mfaTitle.focus();
      await refreshStatus();
    } catch (err) {
      setText(el.signInError, messageFor(err));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function onSubmit(form, button, action) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      withBusy(button, action);
    });
  }

  onSubmit(el.signInForm, el.signIn, signIn);
  onSubmit(el.confirmSection, el.confirm, confirmSetup);
  onSubmit(el.verifySection, el.verify, verifyCode);
  onSubmit(el.recoverSection, el.recover, useRecoveryCode);
  onSubmit(el.regenerateSection, el.regenerate, regenerateCodes);
  onSubmit(el.removeArea, el.removeConfirm, removeMfa);

  el.signOut.addEventListener('click', (event) => {
    event.preventDefault();
    signOut('');
    setText(el.sessionMessage, '');
  });
  el.setup.addEventListener('click', () => withBusy(el.setup, startSetup));
  el.cancelSetup.addEventListener('click', () => withBusy(el.cancelSetup, cancelSetup));
  el.reloadStatus.addEventListener('click', () => withBusy(el.reloadStatus, () => refreshStatus()));
  el.copyKey.addEventListener('click', async () => {
    if (!state.setup) return;
    const ok = await copyText(state.setup.secret);
    setText(el.copyKeyStatus, ok ? 'Key copied.' : 'Could not copy. Select the key and copy it by hand.');
  });
  el.copyRecovery.addEventListener('click', copyRecoveryCodes);
  el.downloadRecovery.addEventListener('click', downloadRecoveryCodes);
  el.recoverySaved.addEventListener('click', dismissRecoveryPanel);
  el.remove.addEventListener('click', () => {
    if (el.removeArea.hidden) openRemove();
    else closeRemove();
  });
  el.removeCancel.addEventListener('click', () => {
    closeRemove();
    el.remove.focus();
  });
  el.mfaTitle.setAttribute('tabindex', '-1');

  // Start: a token kept in this tab's sessionStorage means we are signed in.
  if (sessionStorage.getItem(TOKEN_KEY)) {
    showApp();
    refreshStatus();
  } else {
    el.signInCard.hidden = false;
    el.mfaCard.hidden = true;
  }
})();
