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
    notOperator: 'Your account is not an operator.',
    nothingToReset: 'This user has no MFA to reset.',
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
    operator: $('operator'),

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

    activityList: $('security-activity-list'),
    activityEmpty: $('activity-empty'),
    activityError: $('activity-error'),
    activityMore: $('activity-more'),
    activityRetry: $('activity-retry'),

    operatorCard: $('operator-card'),
    operatorError: $('operator-error'),
    operatorBody: $('operator-body'),
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
    resetCancel: $('reset-cancel'),
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
    activitySeq: 0,        // drops answers of older activity requests
    activityNext: null,    // cursor of the next page of GET /mfa/events
    stats: null,           // last GET /admin/mfa/stats body (operators)
    statsSeq: 0,
    lookupSeq: 0,
    lookupUser: null,      // the user ID the lookup result shows
    chartWidth: 0,         // width the charts were drawn for
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
    if (token && (path.startsWith('/mfa') || path.startsWith('/admin/'))) headers.Authorization = `Bearer ${token}`;
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
      case 'forbidden': return MSG.notOperator;
      default:
        if (err.status === 403) return MSG.notOperator;
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

  /** "Today, 10:15" or "28 November 2026, 10:15", local time. */
  function formatWhen(iso) {
    const d = parseTime(iso);
    if (!d) return String(iso || '');
    const now = new Date();
    const today = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() &&
      d.getDate() === now.getDate();
    return `${today ? 'Today' : formatDate(iso)}, ${formatTime(iso)}`;
  }

  /** A calendar day "2026-11-28" (the statistics' UTC days): no time zone may shift it. */
  function parseDay(day) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day || ''));
    if (!match) return null;
    const y = Number(match[1]);
    const m = Number(match[2]) - 1;
    const d = Number(match[3]);
    return { y, m, d, n: Math.round(Date.UTC(y, m, d) / 86400000) };
  }

  /** "28 Nov" */
  function shortDay(day) {
    const p = parseDay(day);
    return p ? `${p.d} ${MONTHS[p.m].slice(0, 3)}` : String(day || '');
  }

  /** "28 November 2026" */
  function longDay(day) {
    const p = parseDay(day);
    return p ? `${p.d} ${MONTHS[p.m]} ${p.y}` : String(day || '');
  }

  const NUMBER = new Intl.NumberFormat('en');

  function num(value) {
    const n = Number(value);
    return Number.isFinite(n) ? n : 0;
  }

  function formatCount(value) {
    const n = Number(value);
    return value !== null && value !== undefined && Number.isFinite(n) ? NUMBER.format(n) : '–';
  }

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
    RECOVERY_CODE_USED: 'Recovery code used',
    RECOVERY_CODES_REGENERATED: 'New recovery codes made',
    MFA_REMOVED: 'MFA turned off',
    ADMIN_RESET: 'Removed by the helpdesk',
  };
  const ALERT_EVENTS = ['LOCKED_OUT', 'MFA_REMOVED', 'ADMIN_RESET'];

  /** @param {string} [operatorId] the operator who acted (the operator's view only) */
  function describeEvent(event, operatorId) {
    const type = String(event.type || '');
    const byOperator = event.byOperator === true || Boolean(operatorId);
    let text;
    if (byOperator && (type === 'MFA_REMOVED' || type === 'ADMIN_RESET')) text = 'Removed by the helpdesk';
    else if (byOperator && type === 'SETUP_CANCELLED') text = 'Setup cancelled by the helpdesk';
    else if (EVENT_TEXT[type]) text = EVENT_TEXT[type] + (byOperator ? ' (by the helpdesk)' : '');
    else text = `Security event (${type || 'unknown'})`;
    return operatorId ? `${text}: ${operatorId}` : text;
  }

  /** One list item: what happened, when, from where. */
  function eventItem(event, testid, operatorId) {
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
    from.push(browserName(event.userAgent));
    meta.append(time, ` · ${from.join(' · ')}`);
    li.append(what, meta);
    return li;
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
    // The card only shows for a token that claims the group; the server decides on every request.
    el.operatorCard.hidden = !claimsOperator();
    el.operatorBody.hidden = false;
    setText(el.operatorError, '');
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
    } finally {
      afterChange();
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
        afterChange(); // wrong codes count towards a lock
      }
    } catch (err) {
      await reportError(err, el.verifyError);
      afterChange();
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
    } finally {
      afterChange();
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
    } finally {
      afterChange();
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
    } finally {
      afterChange();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Recent security activity (GET /mfa/events)

  const ACTIVITY_PAGE = 20;

  function clearActivity() {
    state.activitySeq += 1;
    state.activityNext = null;
    el.activityList.textContent = '';
    el.activityList.setAttribute('aria-busy', 'false');
    el.activityEmpty.hidden = true;
    el.activityMore.hidden = true;
    el.activityRetry.hidden = true;
    setText(el.activityError, '');
  }

  /** Reloads the first page (after sign-in and after every action that may change the state). */
  function refreshActivity() {
    return loadActivity(false);
  }

  /**
   * Loads a page of events: the first (replacing the list) or the next one (appended). A newer
   * first-page load drops the answers of older loads; a failure never touches the rest of the page.
   */
  async function loadActivity(more) {
    if (!sessionStorage.getItem(TOKEN_KEY)) return;
    const cursor = more ? state.activityNext : null;
    if (more && !cursor) return;
    const seq = more ? state.activitySeq : ++state.activitySeq;
    const path = `/mfa/events?limit=${ACTIVITY_PAGE}` + (cursor ? `&next=${encodeURIComponent(cursor)}` : '');
    el.activityList.setAttribute('aria-busy', 'true');
    try {
      const data = await api('GET', path);
      if (seq !== state.activitySeq) return;
      const events = Array.isArray(data.events) ? data.events.filter((e) => e && typeof e === 'object') : [];
      if (!more) el.activityList.textContent = '';
      const items = events.map((event) => eventItem(event, 'activity-item'));
      items.forEach((item) => el.activityList.appendChild(item));
      state.activityNext = typeof data.next === 'string' && data.next ? data.next : null;
      el.activityMore.hidden = !state.activityNext;
      el.activityEmpty.hidden = el.activityList.childElementCount > 0;
      setText(el.activityError, '');
      el.activityRetry.hidden = true;
      if (more && items.length) {
        // The button may be gone now: keep keyboard users where the new items start.
        items[0].tabIndex = -1;
        items[0].focus();
      }
    } catch (err) {
      if (seq !== state.activitySeq) return;
      if (err instanceof ApiError && err.kind === 'unauthorized') {
        sessionExpired();
        return;
      }
      el.activityEmpty.hidden = true;
      setText(el.activityError, `Could not load your security activity. ${messageFor(err)}`);
      el.activityRetry.dataset.more = more ? 'true' : '';
      el.activityRetry.hidden = false;
    } finally {
      if (seq === state.activitySeq) el.activityList.setAttribute('aria-busy', 'false');
    }
  }

  /** After anything that may have changed the user's MFA: the activity, and an operator's figures. */
  function afterChange() {
    refreshActivity();
    if (operatorShown()) {
      loadStats();
      if (state.lookupUser && state.lookupUser === ownUserId()) lookupUser(state.lookupUser, { keepMessages: true });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operators (mfa-admin): figures, adoption chart, user lookup and reset

  const OPERATOR_GROUP = 'mfa-admin';

  /** The token's claims, read only to decide what to show: the server checks every request. */
  function tokenClaims() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const part = token ? token.split('.')[1] : '';
    if (!part) return null;
    try {
      const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
      const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
      const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
      const claims = JSON.parse(new TextDecoder().decode(bytes));
      return claims && typeof claims === 'object' ? claims : null;
    } catch (e) {
      return null;
    }
  }

  function claimsOperator() {
    const claims = tokenClaims();
    if (!claims) return false;
    return ['cognito:groups', 'groups'].some((name) => {
      const value = claims[name];
      const groups = Array.isArray(value) ? value
        : typeof value === 'string' ? value.replace(/[[\]"]/g, ' ').split(/[\s,]+/) : [];
      return groups.includes(OPERATOR_GROUP);
    });
  }

  function ownUserId() {
    const claims = tokenClaims();
    return claims && typeof claims.sub === 'string' ? claims.sub : (sessionStorage.getItem(USER_KEY) || '');
  }

  function operatorShown() {
    return !el.operatorCard.hidden && !el.operatorBody.hidden;
  }

  /** The server said 403: this account is no operator (whatever its token seemed to say). */
  function showNotOperator() {
    el.operatorBody.hidden = true;
    setText(el.operatorError, MSG.notOperator);
  }

  function resetOperator() {
    state.stats = null;
    state.statsSeq += 1;
    state.lookupSeq += 1;
    state.lookupUser = null;
    state.chartWidth = 0;
    el.operatorCard.hidden = true;
    el.operatorBody.hidden = false;
    [el.operatorError, el.statsError, el.statsAt, el.statsNote, el.adoptionChartSource, el.lookupError,
      el.resetResult, el.resetError].forEach((node) => setText(node, ''));
    [el.statEnabled, el.statPending, el.statAdoption].forEach((node) => setText(node, '–'));
    el.adoptionChart.textContent = '';
    el.adoptionChart.setAttribute('aria-label', 'Adoption chart: no data yet');
    el.changesChart.textContent = '';
    el.changesChart.setAttribute('aria-label', 'Changes per day: no data yet');
    el.statsTableBody.textContent = '';
    el.lookupUser.value = '';
    el.lookupResult.hidden = true;
    el.lookupEvents.textContent = '';
    closeReset();
  }

  /** An expired session or a non-operator ends any operator request the same way; true when it did. */
  function operatorRequestEnded(err) {
    if (err instanceof ApiError && err.kind === 'unauthorized') {
      sessionExpired();
      return true;
    }
    if (err instanceof ApiError && err.status === 403) {
      showNotOperator();
      return true;
    }
    return false;
  }

  async function loadStats() {
    if (el.operatorCard.hidden || !sessionStorage.getItem(TOKEN_KEY)) return;
    const seq = ++state.statsSeq;
    try {
      const data = await api('GET', '/admin/mfa/stats');
      if (seq !== state.statsSeq) return;
      setText(el.statsError, '');
      state.stats = data;
      renderStats(data);
    } catch (err) {
      if (seq !== state.statsSeq) return;
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

  /**
   * Users with MFA on per day: the daily report's snapshots when there are any; else (a fresh or
   * local stack) counted back from today's number with each day's net change. A removal already
   * counts every helpdesk reset of a user whose MFA was on (AdoptionChange: `removals` is "MFA
   * turned off by this write, by the user or an operator"; `adminResets` also counts resets of
   * setups in progress), so the net change is enablements minus removals: subtracting the resets
   * as well would count them twice.
   */
  function adoptionSeries(data) {
    const snapshots = (Array.isArray(data.adoption) ? data.adoption : [])
      .filter((s) => s && parseDay(s.date))
      .map((s) => ({ date: s.date, value: num(s.enabledUsers) }))
      .sort((a, b) => parseDay(a.date).n - parseDay(b.date).n);
    if (snapshots.length) return { source: 'report', points: snapshots };
    const daily = dailyOf(data);
    const points = new Array(daily.length);
    let value = num(data.enabledUsers);
    for (let i = daily.length - 1; i >= 0; i -= 1) {
      points[i] = { date: daily[i].date, value: Math.max(0, value) };
      value -= num(daily[i].enablements) - num(daily[i].removals);
    }
    return { source: 'estimate', points };
  }

  function dailyOf(data) {
    return (Array.isArray(data.daily) ? data.daily : [])
      .filter((d) => d && parseDay(d.date))
      .sort((a, b) => parseDay(a.date).n - parseDay(b.date).n);
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';

  function svgNode(name, attributes, parent) {
    const node = document.createElementNS(SVG_NS, name);
    Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, String(value)));
    if (parent) parent.appendChild(node);
    return node;
  }

  function svgText(parent, x, y, text, attributes) {
    const node = svgNode('text', Object.assign({ x, y }, attributes || {}), parent);
    node.textContent = text;
    return node;
  }

  function svgTitle(parent, text) {
    svgNode('title', {}, parent).textContent = text;
  }

  /** 1, 2, 5, 10, 20, 50...: the smallest at or above `value` (at least 1). */
  function niceMax(value) {
    if (!(value > 0)) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    const step = [1, 2, 5, 10].find((m) => m * power >= value);
    return Math.max(1, step * power);
  }

  const CHART_MARGIN = { top: 14, right: 14, bottom: 26, left: 40 };

  /** A chart frame of the container's width: the drawing area, the day scale and the y grid. */
  function chartFrame(container, width, height, domain, yMax) {
    container.textContent = '';
    const m = CHART_MARGIN;
    const plotWidth = width - m.left - m.right;
    const plotHeight = height - m.top - m.bottom;
    const svg = svgNode('svg', {
      xmlns: SVG_NS, viewBox: `0 0 ${width} ${height}`, width, height,
      class: 'chart-svg', 'aria-hidden': 'true', focusable: 'false',
    }, container);
    const days = Math.max(1, domain.end - domain.start + 1);
    const band = plotWidth / days;
    const x = (dayNumber) => m.left + (dayNumber - domain.start + 0.5) * band;
    const y = (value) => m.top + plotHeight - (value / yMax) * plotHeight;
    const ticks = [0, yMax / 2, yMax].filter((t) => Number.isInteger(t));
    ticks.forEach((tick) => {
      svgNode('line', { x1: m.left, x2: width - m.right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'chart-axis' : 'chart-grid' }, svg);
      svgText(svg, m.left - 6, y(tick) + 4, NUMBER.format(tick), { 'text-anchor': 'end' });
    });
    // Day labels: first and last, and the middle when there is room.
    const labelled = [domain.startDay, domain.endDay];
    if (plotWidth >= 360 && days > 2) labelled.splice(1, 0, domain.middleDay);
    labelled.forEach((day, i) => {
      const anchor = i === 0 ? 'start' : i === labelled.length - 1 ? 'end' : 'middle';
      const px = anchor === 'start' ? m.left : anchor === 'end' ? width - m.right : x(parseDay(day).n);
      svgText(svg, px, height - 6, shortDay(day), { 'text-anchor': anchor });
    });
    return { svg, x, y, band, plotHeight, bottom: m.top + plotHeight };
  }

  function chartDomain(days) {
    const numbers = days.map((d) => parseDay(d).n);
    const start = Math.min(...numbers);
    const end = Math.max(...numbers);
    const byNumber = (n) => days[numbers.indexOf(n)];
    const middle = numbers.reduce((best, n) => (Math.abs(n - (start + end) / 2) < Math.abs(best - (start + end) / 2) ? n : best), start);
    return { start, end, startDay: byNumber(start), endDay: byNumber(end), middleDay: byNumber(middle) };
  }

  function chartWidth() {
    return Math.max(240, Math.floor(el.adoptionChart.clientWidth || 0) || 600);
  }

  function renderCharts(data) {
    const width = chartWidth();
    state.chartWidth = width;
    const daily = dailyOf(data);
    const series = adoptionSeries(data);
    const points = series.points;
    setText(el.adoptionChartSource, series.source === 'report'
      ? `From the daily adoption report (${points.length} ${points.length === 1 ? 'day' : 'days'}).`
      : 'Estimated from the changes per day, counted back from today’s number: the daily adoption report has no snapshot yet.');

    const allDays = [...new Set([...daily.map((d) => d.date), ...points.map((p) => p.date)])];
    if (!allDays.length) {
      el.adoptionChart.textContent = '';
      el.changesChart.textContent = '';
      el.adoptionChart.setAttribute('aria-label', 'Users with MFA on: no data yet');
      el.changesChart.setAttribute('aria-label', 'Changes per day: no data yet');
      return;
    }
    const domain = chartDomain(allDays);
    drawAdoption(points, domain, width, series.source);
    drawChanges(daily, domain, width);
  }

  function drawAdoption(points, domain, width, source) {
    const values = points.map((p) => p.value);
    const frame = chartFrame(el.adoptionChart, width, 170, domain, niceMax(Math.max(0, ...values)));
    const coords = points.map((p) => [frame.x(parseDay(p.date).n), frame.y(p.value)]);
    if (coords.length > 1) {
      const line = coords.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)} ${py.toFixed(1)}`).join(' ');
      svgNode('path', {
        d: `${line} L${coords[coords.length - 1][0].toFixed(1)} ${frame.bottom} L${coords[0][0].toFixed(1)} ${frame.bottom} Z`,
        class: 'chart-area',
      }, frame.svg);
      svgNode('path', { d: line, class: 'chart-line' }, frame.svg);
    }
    // A dot per day when there are few; else only today's. Each day's band carries its value on hover.
    points.forEach((p, i) => {
      const group = svgNode('g', {}, frame.svg);
      svgTitle(group, `${shortDay(p.date)}: ${NUMBER.format(p.value)} with MFA on`);
      svgNode('rect', { x: (coords[i][0] - frame.band / 2).toFixed(1), y: frame.bottom - frame.plotHeight, width: frame.band.toFixed(1), height: frame.plotHeight, class: 'chart-hit' }, group);
      const last = i === points.length - 1;
      if (last || points.length <= 12) {
        svgNode('circle', { cx: coords[i][0].toFixed(1), cy: coords[i][1].toFixed(1), r: last ? 4 : 3, class: 'chart-dot' }, group);
      }
    });
    if (points.length) {
      const last = coords[coords.length - 1];
      svgText(frame.svg, last[0] - 6, Math.max(12, last[1] - 8), NUMBER.format(values[values.length - 1]), { 'text-anchor': 'end', class: 'chart-value' });
    }
    const how = source === 'report' ? 'from the daily adoption report' : 'estimated from the changes per day';
    const summary = points.length
      ? `Users with MFA on per day, ${how}, ${longDay(points[0].date)} to ${longDay(points[points.length - 1].date)}: ` +
        `from ${NUMBER.format(values[0])} to ${NUMBER.format(values[values.length - 1])}, highest ${NUMBER.format(Math.max(...values))}.`
      : `Users with MFA on per day, ${how}: no data yet.`;
    el.adoptionChart.setAttribute('aria-label', summary);
  }

  function drawChanges(daily, domain, width) {
    const most = Math.max(0, ...daily.map((d) => Math.max(num(d.enablements), num(d.removals))));
    const frame = chartFrame(el.changesChart, width, 130, domain, niceMax(most));
    const barWidth = Math.max(1, Math.min(12, frame.band * 0.38));
    daily.forEach((d) => {
      const cx = frame.x(parseDay(d.date).n);
      const on = num(d.enablements);
      const off = num(d.removals);
      const group = svgNode('g', {}, frame.svg);
      svgTitle(group, `${shortDay(d.date)}: ${on} turned on, ${off} removed` +
        (num(d.adminResets) ? ` (${num(d.adminResets)} by the helpdesk)` : ''));
      svgNode('rect', { x: (cx - frame.band / 2).toFixed(1), y: frame.bottom - frame.plotHeight, width: frame.band.toFixed(1), height: frame.plotHeight, class: 'chart-hit' }, group);
      if (on) svgNode('rect', { x: (cx - barWidth - 0.5).toFixed(1), y: frame.y(on).toFixed(1), width: barWidth.toFixed(1), height: (frame.bottom - frame.y(on)).toFixed(1), class: 'chart-bar-on' }, group);
      if (off) svgNode('rect', { x: (cx + 0.5).toFixed(1), y: frame.y(off).toFixed(1), width: barWidth.toFixed(1), height: (frame.bottom - frame.y(off)).toFixed(1), class: 'chart-bar-off' }, group);
    });
    const totalOn = daily.reduce((sum, d) => sum + num(d.enablements), 0);
    const totalOff = daily.reduce((sum, d) => sum + num(d.removals), 0);
    const busiest = daily.reduce((best, d) => (!best || num(d.enablements) > num(best.enablements) ? d : best), null);
    let summary = daily.length
      ? `MFA turned on and removed per day, ${longDay(daily[0].date)} to ${longDay(daily[daily.length - 1].date)}: ` +
        `${NUMBER.format(totalOn)} turned on and ${NUMBER.format(totalOff)} removed in all`
      : 'Changes per day: no data yet';
    if (busiest && num(busiest.enablements) > 0) {
      summary += `; most turned on: ${NUMBER.format(num(busiest.enablements))} on ${longDay(busiest.date)}`;
    }
    el.changesChart.setAttribute('aria-label', `${summary}.`);
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

  /** Redraws the charts for a new width (a phone turned, a window resized). */
  let resizeFrame = 0;
  window.addEventListener('resize', () => {
    if (resizeFrame) cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      resizeFrame = 0;
      if (state.stats && operatorShown() && chartWidth() !== state.chartWidth) renderCharts(state.stats);
    });
  });

  // User lookup and reset

  const STATUS_WORDS = { NONE: 'Off', PENDING: 'Setup in progress', ENABLED: 'On' };

  async function lookupUser(userId, options = {}) {
    const seq = ++state.lookupSeq;
    if (!options.keepMessages) {
      [el.lookupError, el.resetResult, el.resetError].forEach((node) => setText(node, ''));
    }
    if (userId !== state.lookupUser) {
      el.lookupResult.hidden = true;
      closeReset();
    }
    try {
      const data = await api('GET', `/admin/mfa/users/${encodeURIComponent(userId)}`);
      if (seq !== state.lookupSeq) return;
      renderLookup(data, userId);
      if (options.focus) el.lookupResult.focus({ preventScroll: true });
    } catch (err) {
      if (seq !== state.lookupSeq) return;
      if (operatorRequestEnded(err)) return;
      setText(el.lookupError, `Could not look up ${userId}. ${messageFor(err)}`);
    }
  }

  function renderLookup(data, requested) {
    const userId = typeof data.userId === 'string' && data.userId ? data.userId : requested;
    state.lookupUser = userId;
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
    setText(el.lookupLock, data.lockedUntil ? `Locked until ${formatWhen(data.lockedUntil)}` : 'Not locked');
    el.lookupLock.classList.toggle('locked', Boolean(data.lockedUntil));
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
    el.resetConfirmArea.hidden = false;
    el.resetUser.setAttribute('aria-expanded', 'true');
    el.resetCancel.focus(); // the safe choice has the focus; "Yes, reset" takes a deliberate move
  }

  function closeReset() {
    el.resetConfirmArea.hidden = true;
    el.resetUser.setAttribute('aria-expanded', 'false');
  }

  async function resetMfa() {
    const userId = state.lookupUser;
    if (!userId) return;
    setText(el.resetResult, '');
    setText(el.resetError, '');
    try {
      const data = await api('POST', `/admin/mfa/users/${encodeURIComponent(userId)}/reset`);
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
      if (err instanceof ApiError && err.kind === 'unauthorized') {
        sessionExpired();
        return;
      }
      closeReset();
      if (err instanceof ApiError && err.status === 403) {
        showNotOperator();
        return;
      }
      if (err instanceof ApiError && (err.status === 409 || err.code === 'mfa_not_enabled')) {
        setText(el.resetError, MSG.nothingToReset);
        await lookupUser(userId, { keepMessages: true });
        return;
      }
      setText(el.resetError, `The reset did not happen. ${messageFor(err)}`);
      el.resetUser.focus();
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
  onSubmit(el.lookupForm, el.lookup, submitLookup);

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

  el.activityMore.addEventListener('click', () => withBusy(el.activityMore, () => loadActivity(true)));
  el.activityRetry.addEventListener('click', () =>
    withBusy(el.activityRetry, () => loadActivity(el.activityRetry.dataset.more === 'true')));
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

  // Start: a token kept in this tab's sessionStorage means we are signed in.
  if (sessionStorage.getItem(TOKEN_KEY)) {
    showApp();
    refreshStatus();
    refreshActivity();
    loadStats();
  } else {
    el.signInCard.hidden = false;
    el.mfaCard.hidden = true;
  }
})();
