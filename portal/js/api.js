// The API on the same origin: the token this tab keeps, the fetch wrapper, and the errors of the
// contract in words a person understands.

export const TOKEN_KEY = 'mfaPortal.token';
export const USER_KEY = 'mfaPortal.username';

/** What the page says for each error (the texts of one screen only are in that screen's file). */
export const MSG = {
  sessionExpired: 'Your session expired, please sign in again',
  signInAgain: 'For your security, sign in again to change your MFA settings. Nothing was changed.',
  signInAgainAfterSaving: 'For your security, sign in again to change your MFA settings: save your recovery code above first, then sign out and sign in again. Nothing was changed.',
  network: 'Cannot reach the server.',
  invalidCode: 'That code is not right, or it was already used. Enter the current code from your app.',
  invalidRecoveryCode: 'That recovery code is not right, or it was already used. Check it and try again.',
  noPendingSetup: 'Your setup expired. Start again.',
  alreadyEnabled: 'MFA is already on for your account. Nothing was changed.',
  notEnabled: 'MFA is not on for your account. Nothing was changed.',
  unavailable: 'The service is busy. Nothing was changed. Try again in a few seconds.',
  serverError: 'Something went wrong on the server. Try again in a few seconds.',
  invalidRequest: 'The server could not accept that. Check what you entered and try again.',
  notOperator: 'Your account is not an operator.',
  stepUpRequired: 'Confirm it’s you first: enter the code your authenticator app shows now.',
  lockedUntilReset: 'Too many wrong codes: your account is locked. Contact the helpdesk to reset your MFA.',
};

// ---------------------------------------------------------------------------------------------
// HTTP

export class ApiError extends Error {
  /**
   * @param {'network'|'unauthorized'|'http'} kind ('unauthorized': a 401, whose code is
   *   reauthentication_required when the sign-in is too old for the change, else none)
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

/** @param {Object<string, string>} [extraHeaders] e.g. the helpdesk's X-MFA-Token */
export async function api(method, path, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
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

  const code = data && typeof data.error === 'string' ? data.error : '';
  const message = data && typeof data.message === 'string' ? data.message : '';
  if (response.status === 401) throw new ApiError('unauthorized', 401, code, message);
  throw new ApiError('http', response.status, code, message,
    parseRetryAfter(response.headers.get('Retry-After')));
}

/** Words a person understands, for every error the contract defines. */
export function messageFor(err) {
  if (!(err instanceof ApiError)) return MSG.serverError;
  if (err.kind === 'network') return MSG.network;
  if (err.kind === 'unauthorized') {
    return err.code === 'reauthentication_required' ? MSG.signInAgain : MSG.sessionExpired;
  }
  switch (err.code) {
    case 'invalid_code': return MSG.invalidCode;
    case 'invalid_recovery_code': return MSG.invalidRecoveryCode;
    case 'too_many_attempts': return tooManyAttempts(err.retryAfter);
    case 'locked_until_reset': return MSG.lockedUntilReset;
    case 'too_many_requests': return tooManySetupChanges(err.retryAfter);
    case 'no_pending_setup': return MSG.noPendingSetup;
    case 'mfa_already_enabled': return MSG.alreadyEnabled;
    case 'mfa_not_enabled': return MSG.notEnabled;
    case 'invalid_request': return err.serverMessage || MSG.invalidRequest;
    case 'service_unavailable': return MSG.unavailable;
    case 'forbidden': return MSG.notOperator;
    case 'mfa_required': return MSG.stepUpRequired;
    default:
      if (err.status === 403) return MSG.notOperator;
      if (err.status === 503) return MSG.unavailable;
      if (err.status >= 500) return MSG.serverError;
      return err.serverMessage || `The request failed (HTTP ${err.status}). Try again.`;
  }
}

function tooManySetupChanges(seconds) {
  const minutes = Math.max(1, Math.ceil((seconds || 60) / 60));
  return `You started or cancelled the setup too often. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

function tooManyAttempts(seconds) {
  if (seconds === null || seconds === undefined) {
    return 'Too many wrong codes. Try again in a few minutes.';
  }
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes >= 120) {
    // Each lock lasts twice the one before, up to a day: say hours once it is long.
    const hours = Math.ceil(minutes / 60);
    return `Too many wrong codes. Try again in ${hours} hours.`;
  }
  return `Too many wrong codes. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

// ---------------------------------------------------------------------------------------------
// The token's claims (operators are in the mfa-admin group)

export const OPERATOR_GROUP = 'mfa-admin';

/**
 * The claims of a compact JWS or JWT (its middle part, base64url JSON), or null. Decoded, never
 * verified: the page uses them only to decide what to show and say. The server checks the sign-in
 * token on every request, and the services that accept an MFA token check its signature against
 * the published keys (/.well-known/jwks.json).
 */
export function decodeTokenClaims(token) {
  const part = typeof token === 'string' ? token.split('.')[1] : '';
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

/** The sign-in token's claims (see decodeTokenClaims). */
function tokenClaims() {
  return decodeTokenClaims(sessionStorage.getItem(TOKEN_KEY));
}

export function claimsOperator() {
  const claims = tokenClaims();
  if (!claims) return false;
  return ['cognito:groups', 'groups'].some((name) => {
    const value = claims[name];
    const groups = Array.isArray(value) ? value
      : typeof value === 'string' ? value.replace(/[[\]"]/g, ' ').split(/[\s,]+/) : [];
    return groups.includes(OPERATOR_GROUP);
  });
}

export function ownUserId() {
  const claims = tokenClaims();
  return claims && typeof claims.sub === 'string' ? claims.sub : (sessionStorage.getItem(USER_KEY) || '');
}
