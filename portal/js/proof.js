// The proof of the second factor that confirm, verify and recover answer with: `mfaToken` (a
// compact JWS, ES256) and `mfaTokenExpiresAt`. The card says "Second factor proven until hh:mm" and
// what the token says, in words. The page does not verify the token: it only decodes it for this
// display. The services that accept it (relying parties) check its signature against the keys at
// /.well-known/jwks.json, and its issuer, audience and expiry.
//
// The page keeps no copy of the token: only its expiry, for the panel, in memory. Nothing of it
// goes to localStorage, sessionStorage or the console. The panel goes when MFA is turned off and
// on sign-out, and says so when the token expires.

import { decodeTokenClaims } from './api.js';
import { el, setText } from './dom.js';
import { formatTime, formatWhen, isoFromEpochSeconds, parseTime } from './format.js';

let proofExpiresAt = '';  // mfaTokenExpiresAt of the proof shown
let expiryTimer = 0;

/** "with your authenticator app" (amr has otp) or "with a recovery code" (amr has rec). */
function methodInWords(amr) {
  const methods = Array.isArray(amr) ? amr.map(String) : [];
  if (methods.includes('otp')) return 'with your authenticator app';
  if (methods.includes('rec')) return 'with a recovery code';
  return methods.length ? `with ${methods.join(', ')}` : 'unknown';
}

function audienceInWords(aud) {
  return Array.isArray(aud) ? aud.map(String).join(', ') : String(aud || '');
}

/** The claims as [label, words, test id] rows; the nonce only when the request carried one. */
function claimRows(claims) {
  const rows = [
    ['Who', String(claims.sub || ''), 'proof-who'],
    ['How', methodInWords(claims.amr), 'proof-how'],
    ['When', formatWhen(isoFromEpochSeconds(claims.auth_time)), 'proof-when'],
    ['For (audience)', audienceInWords(claims.aud), 'proof-audience'],
  ];
  if (claims.nonce !== undefined) rows.push(['Nonce', String(claims.nonce), 'proof-nonce']);
  rows.push(['Token ID', String(claims.jti || ''), 'proof-id']);
  return rows;
}

function renderClaims(claims) {
  el.proofClaims.textContent = '';
  claimRows(claims).forEach(([label, words, testid]) => {
    const term = document.createElement('dt');
    term.textContent = label;
    const value = document.createElement('dd');
    value.dataset.testid = testid;
    value.textContent = words;
    el.proofClaims.append(term, value);
  });
}

function clearExpiryTimer() {
  if (expiryTimer) clearTimeout(expiryTimer);
  expiryTimer = 0;
}

/** When the token's time is up it proves nothing any more: the claims go, the panel says so. */
function expireProof() {
  expiryTimer = 0;
  el.proofClaims.textContent = '';
  setText(el.proofUntil, `Your proof of the second factor expired at ${formatTime(proofExpiresAt)}. Verify a code for a new one.`);
}

/**
 * Shows the proof in an answer of confirm, verify or recover (`mfaToken`, `mfaTokenExpiresAt`);
 * an answer without a readable token leaves the panel as it was.
 */
export function showProof(answer) {
  const claims = decodeTokenClaims(answer && answer.mfaToken);
  if (!claims) return;
  clearExpiryTimer();
  proofExpiresAt = answer.mfaTokenExpiresAt || isoFromEpochSeconds(claims.exp);
  setText(el.proofUntil, `Second factor proven until ${formatTime(proofExpiresAt)}`);
  renderClaims(claims);
  el.proofPanel.hidden = false;
  const end = parseTime(proofExpiresAt);
  if (end) expiryTimer = setTimeout(expireProof, Math.min(Math.max(end.getTime() - Date.now(), 0), 0x7fffffff));
}

export function forgetProof() {
  clearExpiryTimer();
  proofExpiresAt = '';
  el.proofClaims.textContent = '';
  setText(el.proofUntil, '');
  el.proofPanel.hidden = true;
}
