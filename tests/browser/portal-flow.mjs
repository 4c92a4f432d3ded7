// The portal's whole MFA flow in headless Chromium against `make run` (http://127.0.0.1:3000, or
// PORTAL_URL): sign in, set up, read the QR code off the page with a real QR reader (zbarimg),
// compute the code with oathtool like an authenticator app, confirm, see the recovery code, verify,
// use the recovery code, remove, with the "Recent security activity" list following each step, and
// after confirm, verify and recover the proof of the second factor (the MFA token's claims, in
// words, checked against the token the server sent). A sign-in two hours old cannot start a setup
// (401 reauthentication_required): the page asks to sign in again, the user name filled in, and
// nothing was changed; with a new recovery code on screen it first asks to save it. Then the helpdesk: an operator (mfa-admin)
// sees nothing of it before confirming it's them with their own code ("operators must turn MFA on
// first", a wrong code refused), turns MFA on, steps up, sees the figures and the adoption chart,
// looks up a user whose MFA is on, resets it in two steps, is asked for a code again when the
// server refuses the proof (403 mfa_required), and that user then finds MFA off and the reset in
// their activity. MFA tokens never reach the console or the page's storage.
// A screenshot of each step goes to target/browser/.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.PORTAL_URL ?? 'http://127.0.0.1:3000';
const out = process.env.SCREENSHOT_DIR ?? 'target/browser';
mkdirSync(out, { recursive: true });

const oathtool = (secret) => execFileSync('oathtool', ['--totp', '--base32', secret], { encoding: 'utf8' }).trim();
const stepOf = (millis) => Math.floor(millis / 30000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let shot = 0;
const check = (condition, message) => { if (!condition) throw new Error(message); };

// Waits for the next 30-second step: the server takes a code once per step and user (replay).
const nextStepAfter = async (step) => { while (stepOf(Date.now()) <= step) await sleep(500); };
// The claims of a compact JWS (no signature check: the test compares what the page says with them).
const claimsOf = (jws) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));
const localTime = (iso) => { const d = new Date(iso); return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`; };

// A plain API client, for the user the operator resets (set up like any client would). Tokens,
// secrets and codes stay in variables: never printed.
const apiAnswer = async (method, path, token, body) => {
  const headers = { Accept: 'application/json', 'User-Agent': 'portal-flow-test/1.0' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, data: await response.json().catch(() => ({})) };
};
const apiCall = async (method, path, token, body) => {
  const { status, data } = await apiAnswer(method, path, token, body);
  check(status >= 200 && status < 300, `${method} ${path}: HTTP ${status} ${data.error ?? ''}`);
  return data;
};
const enableMfaThroughApi = async (username) => {
  const { token } = await apiCall('POST', '/dev/token', null, { username });
  const setup = await apiCall('POST', '/mfa/setup', token, {});
  await apiCall('POST', '/mfa/confirm', token, { code: oathtool(setup.secret) });
  const status = await apiCall('GET', '/mfa', token);
  check(status.status === 'ENABLED', 'the user to reset has MFA on');
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
try {
  for (const viewport of [{ width: 1000, height: 1100 }, { width: 360, height: 800 }]) {
    const page = await browser.newPage({ viewport });
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Console errors fail the test too, but for the failed loads Chromium logs as errors that are
    // expected here: the favicon the portal does not have, the wrong codes the flow submits, and
    // the helpdesk call the server refuses for want of a fresh step-up.
    const expectedFailedLoads = [`${base}/favicon.ico`, `${base}/mfa/verify`, `${base}/admin/mfa/stats`,
      `${base}/mfa/setup`, `${base}/mfa/recovery-codes`];
    const consoleErrors = [];
    const consoleTexts = [];
    page.on('console', (message) => {
      consoleTexts.push(message.text());
      if (message.type() !== 'error') return;
      const url = message.location().url;
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
        && expectedFailedLoads.includes(url)) return;
      consoleErrors.push(`${message.text()}${url ? ` (${url})` : ''}`);
    });
    // Every MFA token the server hands the page (confirm, verify, recover), to check what the page
    // says about it and that it never reaches the console or storage.
    const mfaTokens = [];
    page.on('response', async (response) => {
      if (!/\/mfa\/(confirm|verify|recover)$/.test(response.url()) || response.status() !== 200) return;
      const answer = await response.json().catch(() => ({}));
      if (answer.mfaToken) mfaTokens.push(answer);
    });
    const mfaAnswerAfter = async (count) => {
      for (let i = 0; i < 100 && mfaTokens.length <= count; i++) await sleep(50);
      check(mfaTokens.length > count, 'the server sent an MFA token');
      return mfaTokens[mfaTokens.length - 1];
    };
    const adminRequests = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/admin/')) adminRequests.push(request.url());
    });
    const proofShows = async (answer, how) => {
      const claims = claimsOf(answer.mfaToken);
      await page.locator('#proof-claims [data-testid="proof-id"]').filter({ hasText: claims.jti }).waitFor();
      await page.locator('#proof-until').filter({ hasText: `Second factor proven until ${localTime(answer.mfaTokenExpiresAt)}` }).waitFor();
      const says = async (testid) => (await page.textContent(`#proof-claims [data-testid="${testid}"]`)).trim();
      check(await says('proof-who') === claims.sub, 'the proof says who');
      check(await says('proof-how') === how, `the proof says how: ${await says('proof-how')}`);
      check(/^Today, \d\d:\d\d$/.test(await says('proof-when')), `the proof says when: ${await says('proof-when')}`);
      check(await says('proof-audience') === claims.aud, 'the proof says for which audience');
      check(await says('proof-id') === claims.jti && claims.jti.length >= 22, 'the proof shows the token id');
      const nonceShown = await page.locator('#proof-claims [data-testid="proof-nonce"]').count() === 1;
      check(nonceShown === (claims.nonce !== undefined), 'the proof shows the nonce exactly when the token has one');
      if (nonceShown) check(await says('proof-nonce') === claims.nonce, 'the proof shows the nonce');
      return claims;
    };
    const activity = (type) => page.locator(`#security-activity-list [data-testid="activity-item"][data-type="${type}"]`);
    const noSideways = async (where) => {
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      check(scroll <= inner, `no horizontal scroll ${where} at ${viewport.width}px (${scroll} > ${inner})`);
    };
    const screenshot = async (name) => page.screenshot({ path: join(out, `${String(++shot).padStart(2, '0')}-${viewport.width}-${name}.png`), fullPage: true });
    const username = `browser-${Date.now()}@example.com`;

    await page.goto(base + '/');
    await page.fill('#username', username);
    await page.click('#sign-in');
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();
    await page.locator('#activity-empty').filter({ hasText: 'No security activity yet.' }).waitFor();
    check(await page.locator('#operator-card').isHidden(), 'a user without the mfa-admin group sees no operator card');
    await screenshot('signed-in');

    await page.click('#setup');
    await page.locator('#qr-code').waitFor({ state: 'visible' });
    const src = await page.getAttribute('#qr-code', 'src');
    check(src.startsWith('data:image/png;base64,'), 'the QR code is a PNG data URI');
    const png = join(out, `qr-${viewport.width}.png`);
    writeFileSync(png, Buffer.from(src.slice('data:image/png;base64,'.length), 'base64'));
    const uri = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).trim();
    check(uri.startsWith('otpauth://totp/'), `zbarimg read a Key URI: ${uri.slice(0, 20)}...`);
    const secret = new URL(uri).searchParams.get('secret');
    const manualKey = (await page.textContent('#manual-key')).replace(/\s+/g, '');
    check(manualKey === secret, 'the key for manual entry is the secret in the QR code');
    check(/authenticator app/i.test(await page.textContent('#setup-section')), 'the page says an authenticator app is needed');
    await screenshot('setup');

    const confirmStep = stepOf(Date.now());
    await page.fill('#confirm-code', oathtool(secret));
    let tokensBefore = mfaTokens.length;
    await page.click('#confirm');
    await page.locator('#recovery-codes').waitFor({ state: 'visible' });
    const confirmClaims = await proofShows(await mfaAnswerAfter(tokensBefore), 'with your authenticator app');
    check(confirmClaims.sub === username && confirmClaims.amr.includes('otp'), 'confirm proves the app, for this user');
    const firstCode = (await page.textContent('#recovery-code-list')).trim();
    check(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/.test(firstCode), 'one recovery code is shown');
    check(/shown only once/.test(await page.textContent('#recovery-codes')), 'the page warns the code is shown once');
    // The activity reloads after the confirm: newest first, in plain words, with where it came from.
    await activity('MFA_ENABLED').waitFor();
    await activity('SETUP_STARTED').waitFor();
    const newest = page.locator('#security-activity-list [data-testid="activity-item"]').first();
    check(await newest.getAttribute('data-type') === 'MFA_ENABLED', 'the newest event comes first');
    const enabledText = await activity('MFA_ENABLED').textContent();
    check(/MFA turned on/.test(enabledText) && /from 127\.0\.0\.1 · Chrome/.test(enabledText),
      `the event says what, from where and which browser: ${enabledText}`);
    await screenshot('recovery-code');
    // A change asked with an old sign-in while the new recovery code is on screen: the page keeps the
    // code and asks to save it before signing in again (the swapped token: see the sign-in again below).
    const freshToken = await page.evaluate(() => sessionStorage.getItem('mfaPortal.token'));
    const { token: oldSignIn } = await apiCall('POST', '/dev/token', null,
      { username, authTime: Math.floor(Date.now() / 1000) - 2 * 3600 });
    await page.evaluate((token) => sessionStorage.setItem('mfaPortal.token', token), oldSignIn);
    await page.fill('#regenerate-code', '123456');
    await page.click('#regenerate');
    await page.locator('#regenerate-error').filter({ hasText: 'save your recovery code above first' }).waitFor();
    check(await page.locator('#recovery-codes').isVisible() && (await page.textContent('#recovery-code-list')).trim() === firstCode,
      'the recovery code stays on screen');
    await page.evaluate((token) => sessionStorage.setItem('mfaPortal.token', token), freshToken);
    await page.click('#recovery-saved');
    await page.locator('#mfa-status').filter({ hasText: 'On since' }).waitFor();

    // The confirming code counts as used (replay): wait for the next time step, as a user would.
    await nextStepAfter(confirmStep);
    // The portal sends no nonce; a relying party may. This one request carries one, to see it shown.
    const nonce = `nonce-${viewport.width}.browser_test~1`;
    await page.route('**/mfa/verify', (route) =>
      route.continue({ postData: JSON.stringify({ ...JSON.parse(route.request().postData()), nonce }) }), { times: 1 });
    await page.fill('#verify-code', oathtool(secret));
    tokensBefore = mfaTokens.length;
    await page.click('#verify');
    await page.locator('#verify-result').filter({ hasText: 'Code accepted' }).waitFor();
    const verifyClaims = await proofShows(await mfaAnswerAfter(tokensBefore), 'with your authenticator app');
    check(verifyClaims.nonce === nonce && verifyClaims.jti !== confirmClaims.jti, 'verify proves anew, with the nonce');
    await screenshot('verified');

    await page.fill('#verify-code', '000000');
    await page.click('#verify');
    await page.locator('#verify-error').filter({ hasText: /not right/ }).waitFor();
    await screenshot('wrong-code');

    await page.fill('#recover-code', firstCode.toLowerCase());
    tokensBefore = mfaTokens.length;
    await page.click('#recover');
    await page.locator('#recovery-codes').waitFor({ state: 'visible' });
    const secondCode = (await page.textContent('#recovery-code-list')).trim();
    check(secondCode !== firstCode && /^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/.test(secondCode), 'a new recovery code replaces the used one');
    const recoverClaims = await proofShows(await mfaAnswerAfter(tokensBefore), 'with a recovery code');
    check(!recoverClaims.amr.includes('otp'), 'a recovery code does not prove the app');
    await screenshot('recovered');
    await page.click('#recovery-saved');

    await page.click('#remove');
    await page.locator('#remove-confirm').waitFor({ state: 'visible' });
    await screenshot('remove-confirmation');
    await page.fill('#remove-code', secondCode);
    await page.click('#remove-confirm');
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();
    check(await page.locator('#mfa-proof').isHidden(), 'with MFA off, no proof is shown');
    await activity('MFA_REMOVED').filter({ hasText: 'MFA turned off' }).waitFor();
    await activity('RECOVERY_CODE_USED').waitFor();
    await noSideways('on the MFA card');
    await screenshot('removed');
    console.log(`portal flow at ${viewport.width}px: ok`);

    // A change to MFA needs a recent sign-in. The local issuer dates this token's sign-in two hours
    // back (authTime, local only), as a token refreshed without signing in again would be.
    const { token: staleToken } = await apiCall('POST', '/dev/token', null,
      { username, authTime: Math.floor(Date.now() / 1000) - 2 * 3600 });
    await page.evaluate((token) => sessionStorage.setItem('mfaPortal.token', token), staleToken);
    await page.click('#setup');
    await page.locator('#session-message').filter({ hasText: 'sign in again to change your MFA settings' }).waitFor();
    check(await page.locator('#mfa-card').isHidden(), 'the page leaves the MFA card for the sign-in');
    check(await page.inputValue('#username') === username, 'the sign-in is offered with the user name filled in');
    await screenshot('sign-in-again');
    await page.click('#sign-in');
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();
    await activity('MFA_REMOVED').waitFor();
    check(await activity('SETUP_STARTED').count() === 1, 'the refused setup started nothing');
    check(await page.textContent('#session-message') === '', 'signed in again, the message is gone');

    // The helpdesk. The user to reset turns MFA on through the API; the reset goes through the page.
    const target = `reset-me-${Date.now()}-${viewport.width}@example.com`;
    await enableMfaThroughApi(target);

    await page.click('#sign-out');
    await page.locator('#sign-in-card').waitFor();
    const operator = `operator-${Date.now()}@example.com`;
    await page.fill('#username', operator);
    await page.check('#operator');
    adminRequests.length = 0;
    await page.click('#sign-in');
    await page.locator('#operator-card').waitFor();
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();

    // Nothing of the helpdesk before the operator's own second factor: the page asks first, and
    // the server refuses the sign-in token alone.
    await page.locator('#step-up-form').filter({ hasText: 'Confirm it’s you' }).waitFor();
    check(await page.locator('#operator-body').isHidden(), 'the helpdesk hides its data before the step-up');
    const operatorToken = await page.evaluate(() => sessionStorage.getItem('mfaPortal.token'));
    const withoutStepUp = await apiAnswer('GET', '/admin/mfa/stats', operatorToken);
    check(withoutStepUp.status === 403 && withoutStepUp.data.error === 'mfa_required', 'the server wants the step-up too');
    await page.fill('#step-up-code', '123456');
    await page.click('#step-up');
    await page.locator('#step-up-error').filter({ hasText: 'Operators must turn MFA on first' }).waitFor();
    await screenshot('operator-without-mfa');

    // The operator turns MFA on (the key typed in, as "Cannot scan?" offers), then steps up.
    await page.click('#setup');
    await page.locator('#manual-key').waitFor({ state: 'visible' });
    const operatorSecret = (await page.textContent('#manual-key')).replace(/\s+/g, '');
    const operatorConfirmStep = stepOf(Date.now());
    await page.fill('#confirm-code', oathtool(operatorSecret));
    await page.click('#confirm');
    await page.locator('#recovery-codes').waitFor({ state: 'visible' });
    await page.click('#recovery-saved');
    await page.locator('#mfa-status').filter({ hasText: 'On since' }).waitFor();
    check(await page.locator('#operator-body').isHidden() && (await page.textContent('#step-up-error')) === '',
      'turning MFA on clears the message and still shows no helpdesk data');
    await page.fill('#step-up-code', '000000');
    await page.click('#step-up');
    await page.locator('#step-up-error').filter({ hasText: /not right/ }).waitFor();
    check(await page.locator('#operator-body').isHidden(), 'a wrong code shows no helpdesk data');
    check(adminRequests.length === 0, `no helpdesk request before the step-up: ${adminRequests.join(', ')}`);
    await screenshot('operator-step-up-refused');
    await nextStepAfter(operatorConfirmStep);
    const stepUpStep = stepOf(Date.now());
    await page.fill('#step-up-code', oathtool(operatorSecret));
    await page.click('#step-up');
    await page.locator('#operator-body').waitFor({ state: 'visible' });
    check(await page.locator('#step-up-form').isHidden(), 'the step-up form goes once it worked');
    check(/^You confirmed it’s you until \d\d:\d\d/.test(await page.textContent('#step-up-until')), 'the helpdesk says until when');
    await page.waitForFunction(() => /^\d[\d,]*$/.test(document.querySelector('#stat-enabled').textContent.trim()));
    check(Number((await page.textContent('#stat-enabled')).replace(/,/g, '')) >= 1, 'the figures count the user with MFA on');
    check(/^(\d+(\.\d)?%|—)$/.test((await page.textContent('#stat-adoption')).trim()), 'adoption is a percentage or "—"');
    check(await page.locator('#adoption-chart svg').count() === 1, 'the adoption chart is an inline SVG');
    check(await page.locator('#changes-chart svg rect.chart-bar-on').count() >= 1, 'the bars show the enablements');
    const chartLabel = await page.getAttribute('#adoption-chart', 'aria-label');
    check(await page.getAttribute('#adoption-chart', 'role') === 'img' && /Users with MFA on per day/.test(chartLabel),
      `the chart has a text alternative: ${chartLabel}`);
    check(/Estimated from the changes per day|From the daily adoption report/.test(await page.textContent('#adoption-chart-source')),
      'the chart says where its line comes from');

    await page.fill('#lookup-user', target);
    await page.click('#lookup');
    await page.locator('#lookup-status[data-status="ENABLED"]').waitFor();
    await page.locator('#lookup-events [data-type="MFA_ENABLED"]').waitFor();
    check((await page.textContent('#lookup-recovery')).trim() === '1', 'the lookup shows the recovery codes left');
    check((await page.textContent('#lookup-lock')).trim() === 'Not locked', 'the lookup shows no lock');
    await noSideways('on the operator page');
    await screenshot('operator');
    if (viewport.width === 1000) await page.locator('#operator-card').screenshot({ path: join(out, 'operator-card-1000.png') });

    const enabledBefore = Number((await page.textContent('#stat-enabled')).replace(/,/g, ''));
    await page.click('#reset-user');
    await page.locator('#reset-confirm').waitFor({ state: 'visible' });
    check(await page.getAttribute('#lookup-status', 'data-status') === 'ENABLED', 'the first step resets nothing');
    await screenshot('operator-reset-confirmation');
    // No reason, no reset: the contract requires one, and the page asks before it calls.
    await page.click('#reset-confirm');
    await page.locator('#reset-error').filter({ hasText: 'Say why' }).waitFor();
    check(await page.getAttribute('#lookup-status', 'data-status') === 'ENABLED', 'a reset without a reason resets nothing');
    check(await page.locator('#reset-reason').isVisible(), 'the confirmation stays open for the reason');
    await page.fill('#reset-reason', 'Lost phone and recovery code; identity checked by a video call');
    await page.click('#reset-confirm');
    await page.locator('#lookup-status[data-status="NONE"]').waitFor();
    await page.locator('#lookup-events [data-type="ADMIN_RESET"]').filter({ hasText: 'Removed by the helpdesk' })
      .filter({ hasText: 'identity checked by a video call' }).waitFor();
    check(/MFA is off for/.test(await page.textContent('#reset-result')), 'the reset says what it did');
    check(await page.locator('#reset-user').isHidden(), 'nothing is left to reset');
    await page.locator('#stat-enabled').filter({ hasText: new RegExp(`^${enabledBefore - 1}$`) }).waitFor();
    await screenshot('operator-reset');

    // The proof only counts for 5 minutes. The server refuses a stale proof the way it refuses a
    // missing one (403 mfa_required), and 5 minutes are too long to wait here: one request goes
    // without the header, and the page must ask for a code again.
    await page.route('**/admin/mfa/stats', (route) => {
      const headers = { ...route.request().headers() };
      delete headers['x-mfa-token'];
      return route.continue({ headers });
    }, { times: 1 });
    await page.click('#refresh-stats');
    await page.locator('#step-up-intro').filter({ hasText: 'Please confirm again' }).waitFor();
    check(await page.locator('#operator-body').isHidden(), 'a refused proof hides the helpdesk data');
    await screenshot('operator-step-up-again');
    await nextStepAfter(stepUpStep);
    await page.fill('#step-up-code', oathtool(operatorSecret));
    await page.click('#step-up');
    await page.locator('#operator-body').waitFor({ state: 'visible' });
    await page.locator('#lookup-status[data-status="NONE"]').waitFor();
    await page.locator('#stat-enabled').filter({ hasText: new RegExp(`^${enabledBefore - 1}$`) }).waitFor();

    await page.click('#sign-out');
    await page.locator('#sign-in-card').waitFor();
    check(!(await page.isChecked('#operator')), 'signing out clears the operator box');
    await page.fill('#username', target);
    await page.click('#sign-in');
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();
    check(await page.locator('#operator-card').isHidden(), 'the reset user sees no operator card');
    const reset = activity('ADMIN_RESET').filter({ hasText: 'Removed by the helpdesk' });
    await reset.filter({ hasText: 'identity checked by a video call' }).waitFor();
    check(!/from \d/.test(await reset.first().textContent()), 'the user sees the reason, not the operator\'s address');
    await screenshot('after-helpdesk-reset');
    const storage = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
    check(mfaTokens.length > 0 && mfaTokens.every(({ mfaToken }) => !storage.includes(mfaToken)
      && !consoleTexts.some((text) => text.includes(mfaToken))), 'no MFA token in storage or in the console');
    check(pageErrors.length === 0, `no script errors: ${pageErrors.join('; ')}`);
    check(consoleErrors.length === 0, `no console errors: ${consoleErrors.join('; ')}`);
    await page.close();
    console.log(`helpdesk flow at ${viewport.width}px: ok`);
  }
} catch (error) {
  failed = 1;
  console.error(error);
} finally {
  await browser.close();
}
console.log(`browser: ${failed ? 0 : 1} passed, ${failed} failed`);
process.exit(failed);
