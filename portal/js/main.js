/*
 * MFA portal page: plain ES2020 modules (no build step), no framework, no external resources.
 * Talks to the API on the same origin (its reference: docs/api.md).
 *
 * Rules kept here: codes, secrets and tokens are never written to the console; every code input
 * is cleared as soon as it is submitted; the TOTP secret, recovery codes and MFA tokens live only
 * in memory (never in storage) and are dropped when the user moves on or signs out.
 *
 * This file starts the page: it wires each screen's controls and shows the sign-in card or, for a
 * tab that is signed in already, the MFA card. A file per screen: signin.js, status.js (the MFA
 * card's status and sections), setup.js, verify.js, recovery.js, remove.js, proof.js (the MFA
 * token of the last confirm, verify or recover, in words), activity.js and helpdesk.js (operators)
 * with charts.js; api.js talks to the server, dom.js, format.js and events.js hold what several
 * screens use.
 */

import { TOKEN_KEY } from './api.js';
import { refreshActivity, wireActivity } from './activity.js';
import { el } from './dom.js';
import { loadStats, wireHelpdesk } from './helpdesk.js';
import { wireRecovery } from './recovery.js';
import { wireRemove } from './remove.js';
import { wireSetup } from './setup.js';
import { showApp, wireSignIn } from './signin.js';
import { refreshStatus, wireStatus } from './status.js';
import { wireVerify } from './verify.js';

wireSignIn();
wireStatus();
wireSetup();
wireVerify();
wireRecovery();
wireRemove();
wireActivity();
wireHelpdesk();
el.mfaTitle.setAttribute('tabindex', '-1');

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
