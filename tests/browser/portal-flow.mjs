// The portal's whole MFA flow in headless Chromium against `make run` (http://127.0.0.1:3000):
// sign in, set up, read the QR code off the page with a real QR reader (zbarimg), compute the code
// with oathtool like an authenticator app, confirm, see the recovery code, verify, use the recovery
// code, remove. A screenshot of each step goes to target/browser/.
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

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
try {
  for (const viewport of [{ width: 1000, height: 1100 }, { width: 360, height: 800 }]) {
    const page = await browser.newPage({ viewport });
    const screenshot = async (name) => page.screenshot({ path: join(out, `${String(++shot).padStart(2, '0')}-${viewport.width}-${name}.png`), fullPage: true });
    const username = `browser-${Date.now()}@example.com`;

    await page.goto(base + '/');
    await page.fill('#username', username);
    await page.click('#sign-in');
    await page.locator('#mfa-status').filter({ hasText: 'Off' }).waitFor();
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
    await screenshot('removed');
    await page.close();
    console.log(`portal flow at ${viewport.width}px: ok`);
  }
} catch (error) {
  failed = 1;
  console.error(error);
} finally {
  await browser.close();
}
console.log(`browser: ${failed ? 0 : 1} passed, ${failed} failed`);
process.exit(failed);
