// The portal's whole MFA flow in headless Chromium against `make run` (http://127.0.0.1:3000):
// sign in, set up, read the QR code off the page with a real QR reader (zbarimg), compute the code
// with oathtool like an authenticator app, confirm, see the recovery code, verify, use the recovery
// code, remove, with the "Recent security activity" list following each step. Then the helpdesk: an
// operator (mfa-admin) sees the figures and the adoption chart, looks up a user whose MFA is on,
// resets it in two steps, and that user then finds MFA off and the reset in their activity.
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

// A plain API client, for the user the operator resets (set up like any client would). Tokens,
// secrets and codes stay in variables: never printed.
const apiCall = async (method, path, token, body) => {
  const headers = { Accept: 'application/json', 'User-Agent': 'portal-flow-test/1.0' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  check(response.ok, `${method} ${path}: HTTP ${response.status} ${data.error ?? ''}`);
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
    // Console errors fail the test too, but for the two failed loads Chromium logs as errors that
    // are expected here: the favicon the portal does not have, and the wrong code the flow submits.
    const expectedFailedLoads = [`${base}/favicon.ico`, `${base}/mfa/verify`];
    const consoleErrors = [];
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
        && expectedFailedLoads.includes(url)) return;
      consoleErrors.push(`${message.text()}${url ? ` (${url})` : ''}`);
    });
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
    await page.click('#confirm');
    await page.locator('#recovery-codes').waitFor({ state: 'visible' });
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
    await page.click('#recovery-saved');
    await page.locator('#mfa-status').filter({ hasText: 'On since' }).waitFor();

    // The confirming code counts as used (replay): wait for the next time step, as a user would.
    while (stepOf(Date.now()) <= confirmStep) await sleep(500);
    await page.fill('#verify-code', oathtool(secret));
    await page.click('#verify');
    await page.locator('#verify-result').filter({ hasText: 'Code accepted' }).waitFor();
    await screenshot('verified');

    await page.fill('#verify-code', '000000');
    await page.click('#verify');
    await page.locator('#verify-error').filter({ hasText: /not right/ }).waitFor();
    await screenshot('wrong-code');

    await page.fill('#recover-code', firstCode.toLowerCase());
    await page.click('#recover');
    await page.locator('#recovery-codes').waitFor({ state: 'visible' });
    const secondCode = (await page.textContent('#recovery-code-list')).trim();
    check(secondCode !== firstCode && /^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/.test(secondCode), 'a new recovery code replaces the used one');
    await screenshot('recovered');
    await page.click('#recovery-saved');

    await page.click('#remove');
    await page.locator('#remove-confirm').waitFor({ state: 'visible' });
    await screenshot('remove-confirmation');
    await page.fill('#remove-code', secondCode);
    await page.click('#remove-confirm');
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();
    await activity('MFA_REMOVED').filter({ hasText: 'MFA turned off' }).waitFor();
    await activity('RECOVERY_CODE_USED').waitFor();
    await noSideways('on the MFA card');
    await screenshot('removed');
    console.log(`portal flow at ${viewport.width}px: ok`);

    // The helpdesk. The user to reset turns MFA on through the API; the reset goes through the page.
    const target = `reset-me-${Date.now()}-${viewport.width}@example.com`;
    await enableMfaThroughApi(target);

    await page.click('#sign-out');
    await page.locator('#sign-in-card').waitFor();
    await page.fill('#username', `operator-${Date.now()}@example.com`);
    await page.check('#operator');
    await page.click('#sign-in');
    await page.locator('#operator-card').waitFor();
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
    await page.click('#reset-confirm');
    await page.locator('#lookup-status[data-status="NONE"]').waitFor();
    await page.locator('#lookup-events [data-type="ADMIN_RESET"]').filter({ hasText: 'Removed by the helpdesk' }).waitFor();
    check(/MFA is off for/.test(await page.textContent('#reset-result')), 'the reset says what it did');
    check(await page.locator('#reset-user').isHidden(), 'nothing is left to reset');
    await page.locator('#stat-enabled').filter({ hasText: new RegExp(`^${enabledBefore - 1}$`) }).waitFor();
    await screenshot('operator-reset');

    await page.click('#sign-out');
    await page.locator('#sign-in-card').waitFor();
    check(!(await page.isChecked('#operator')), 'signing out clears the operator box');
    await page.fill('#username', target);
    await page.click('#sign-in');
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();
    check(await page.locator('#operator-card').isHidden(), 'the reset user sees no operator card');
    await activity('ADMIN_RESET').filter({ hasText: 'Removed by the helpdesk' }).waitFor();
    await screenshot('after-helpdesk-reset');
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
