import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { developmentSignInRefusal } from '../gateway/console';
import { repoRoot } from '../platform/config';
import { callers, startTestHub, useTestHub, type TestHub } from './harness';

/*
 * The web console in a real browser (Debian's Chromium, installed by `.ci/system-packages`, the
 * pretest step) against a real hub: built first (`npm run console:build`, into a folder of this
 * suite's), so the bundle tested is the source's. Never skipped: a missing browser fails the suite.
 * CONSOLE_SCREENSHOTS=1 saves the main views under docs/console/.
 */

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? path.join(repoRoot, 'docs', 'console') : null;
/** This suite's own build: a hub of another suite starting meanwhile never reads a half-written dist/console. */
const BUILD = mkdtempSync(path.join(tmpdir(), 'frontera-console-'));

let browser: Browser;
/** When this suite started: the access events of its console sessions are the ones after it. */
const suiteStarted = new Date().toISOString();
/** Every console message of level error and every uncaught page error, by test: none is expected. */
const browserErrors: string[] = [];

beforeAll(async () => {
  execFileSync('npm', ['run', '-s', 'console:build', '--', '--outDir', BUILD], { cwd: repoRoot, stdio: 'inherit' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(BUILD, { recursive: true, force: true });
});

afterEach(() => {
  expect(browserErrors).toEqual([]);
  browserErrors.length = 0;
});

const t = useTestHub({ CONSOLE_DIR: BUILD });

const origin = (hub: Pick<TestHub, 'gatewayUrl'>) => new URL(hub.gatewayUrl).origin;

/** A fresh browser profile (its own sessionStorage), at a laptop's width unless told. */
async function openConsole(hub: Pick<TestHub, 'gatewayUrl'>, viewport = { width: 1280, height: 860 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => browserErrors.push(`page: ${error.message}`));
  await page.goto(`${origin(hub)}/console/`);
  return { context, page };
}

/** The development sign-in: the hub's local issuer mints the token for what is picked. */
async function signIn(page: Page, who: { organisation: string; role: string; clearance: string }, purpose: string): Promise<void> {
  await page.getByLabel('Organisation').selectOption(who.organisation);
  await page.getByLabel('Role').selectOption(who.role);
  await page.getByLabel('Clearance').selectOption(who.clearance);
  await page.getByLabel('Purpose of use').fill(purpose);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

describe('the console', () => {
  test('is served with its CSP and cache headers; the bundle size and time to first view are reported', async () => {
    const page = await fetch(`${origin(t)}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    // No inline script: every script is a file of the build.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const [script] = /\/console\/assets\/[^"]+\.js/.exec(html)!;
    const asset = await fetch(`${origin(t)}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${origin(t)}/console/assets/nothing.js`)).status).toBe(404);
    // A bookmarked view loads the page.
    expect((await fetch(`${origin(t)}/console/operations`)).status).toBe(200);

    const assets = readdirSync(path.join(BUILD, 'assets')).map((name) => readFileSync(path.join(BUILD, 'assets', name)));
    const raw = assets.reduce((sum, file) => sum + file.length, 0);
    const gzip = assets.reduce((sum, file) => sum + gzipSync(file).length, 0);

    // Time to first view: from navigation to the auditor's first events on screen, in a signed-in session.
    const auditor = await openConsole(t);
    await signIn(auditor.page, { organisation: 'hub', role: 'AUDITOR', clearance: 'CONFIDENTIAL' }, 'console test timing');
    const timings: number[] = [];
    const stalled: string[] = [];
    for (let i = 0; i < 5; i++) {
      await auditor.page.reload();
      const shown = await auditor.page.locator('.timeline li').first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
      // A reload that shows no events is named with what the page showed instead (seen rarely in
      // CI, cause not found yet), and tried once more; a second stall fails the test.
      if (!shown) {
        stalled.push((await auditor.page.locator('main').textContent().catch(() => null))?.slice(0, 300) ?? '(no main)');
        await auditor.page.reload();
        await auditor.page.locator('.timeline li').first().waitFor();
      }
      timings.push(await auditor.page.evaluate(() => performance.now()));
    }
    if (stalled.length) console.log(`console reloads that showed no events within 15 s: ${JSON.stringify(stalled)}`);
    expect(stalled.length).toBeLessThanOrEqual(1);
    await auditor.context.close();
    const median = [...timings].sort((a, b) => a - b)[2];
    console.log(`console bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip (${assets.length} files); time to first view (auditor's timeline, 5 reloads): median ${Math.round(median)} ms (${timings.map((ms) => Math.round(ms)).join(', ')} ms)`);
    expect(Math.min(...timings)).toBeLessThan(5_000);
  }, 60_000);

  test('the development sign-in answers loopback, same-origin callers only', async () => {
    const mint = (headers: Record<string, string>) =>
      fetch(`${origin(t)}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ organisation: 'hub', role: 'HUB_ADMIN', clearance: 'CONFIDENTIAL' }) });
    expect((await mint({})).status).toBe(200);
    expect((await mint({ origin: origin(t) })).status).toBe(200);
    const crossOrigin = await mint({ origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(((await crossOrigin.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors[0]).toEqual({ message: expect.stringMatching(/another origin/), extensions: { code: 'FORBIDDEN' } });
    expect((await mint({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // The test hub binds 127.0.0.1 only, so another host's address is checked on the function.
    const from = (remoteAddress: string, headers: Record<string, string> = {}) => developmentSignInRefusal({ socket: { remoteAddress } as never, headers: { host: 'localhost:4000', ...headers } });
    expect(from('127.0.0.1')).toBeNull();
    expect(from('::1', { origin: 'http://localhost:4000', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(from('::ffff:127.0.0.1')).toBeNull();
    expect(from('10.0.0.7')).toMatch(/npm run token/);
    expect(from('::ffff:192.168.1.20')).toMatch(/own machine only/);
    expect(from('127.0.0.1', { origin: 'http://localhost:4001' })).toMatch(/another origin/);
    expect(from('127.0.0.1', { origin: 'null' })).toMatch(/another origin/);
  });

  test('an auditor filters events, opens one, and sees who accessed its record', async () => {
    // Events of the customs liaison for the filter to find.
    await t.ok(`{ operation(code: "ANCHOR-III") { code wco { seizures { id } } } }`, {}, { as: callers.wcoLiaison, purpose: 'ANCHOR-III console test' });
    const { context, page } = await openConsole(t);
    await signIn(page, { organisation: 'hub', role: 'AUDITOR', clearance: 'CONFIDENTIAL' }, 'AUDIT console test');
    await page.getByRole('heading', { name: 'Access log' }).waitFor();
    await page.locator('.timeline li').first().waitFor();
    await page.locator('.chart svg').first().waitFor();
    await screenshot(page, 'auditor-timeline');

    await page.getByLabel('Organisation').selectOption('wco');
    await page.getByLabel('Role').selectOption('PARTNER_LIAISON');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The API filters on both (the count and the rows are the server's): every row is wco's liaison.
    await page.waitForFunction(`(() => {
      const who = [...document.querySelectorAll('.timeline li .who')].map((e) => e.textContent ?? '');
      return who.length > 0 && who.every((w) => w.startsWith('wco PARTNER_LIAISON'));
    })()`);
    const rows = page.locator('.timeline li .who');
    await rows.first().waitFor();
    for (const who of await rows.allTextContents()) expect(who).toMatch(/^wco PARTNER_LIAISON/);

    // By keyboard: an event is a button in the tab order.
    await page.locator('.timeline li button').first().focus();
    await page.keyboard.press('Enter');
    const details = page.locator('article.details');
    await details.getByRole('heading', { name: /^Event of/ }).waitFor();
    await expect(details.locator('dd').nth(1).textContent()).resolves.toBe('test.wco.partner_liaison');
    await expect(details.textContent()).resolves.toMatch(/Chain position.*#\d+/);
    await screenshot(page, 'auditor-event');

    const record = details.getByRole('button', { name: 'who accessed this record' }).first();
    if (await record.count()) {
      await record.click();
      await page.getByRole('heading', { name: /^Who accessed/ }).waitFor();
      await page.getByRole('table').getByText('wco').first().waitFor();
    }
    await context.close();
  }, 60_000);

  test('a partner liaison sees only its own records, and withheld fields as withheld', async () => {
    // Someone else reads the customs organisation's seizures: the owner's view shows it.
    await t.ok(`{ operation(code: "ANCHOR-III") { wco { seizures { id caseReference } } } }`, {}, { as: callers.hubAdmin, purpose: 'ANCHOR-III owner view test' });
    const { context, page } = await openConsole(t);
    await signIn(page, { organisation: 'wco', role: 'PARTNER_LIAISON', clearance: 'RESTRICTED' }, 'ANCHOR-III data owner review');
    await page.getByRole('heading', { name: 'Who read our records' }).waitFor();
    await page.locator('.timeline li').first().waitFor();
    await page.locator('.timeline li button').first().click();
    const details = page.locator('article.details');
    await details.getByRole('heading', { name: /^Event of/ }).waitFor();
    // Who exactly asked and why are for auditors: withheld, not an error.
    expect(await details.locator('dd').nth(1).textContent()).toBe('withheld');
    for (const owner of await details.locator('.records li').allTextContents()) expect(owner).toMatch(/owned by wco/);
    await screenshot(page, 'liaison-owner-view');

    await page.goto(`${origin(t)}/console/#/operations/ANCHOR-III`);
    await page.getByRole('heading', { name: /^ANCHOR-III/ }).waitFor();
    // Confidential referrals: withheld in place, the rest of the page is there.
    await page.locator('[data-withheld="iom.referrals"] .withheld').waitFor();
    await page.getByRole('heading', { name: 'WCO shares' }).waitFor();
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    await screenshot(page, 'liaison-operation');
    // An operation that does not exist is said so; null for a withheld field or an error is not.
    await page.goto(`${origin(t)}/console/#/operations/NO-SUCH-OP`);
    await page.getByText('No operation NO-SUCH-OP.').waitFor();
    await context.close();
  }, 60_000);

  test('an analyst confirms a hit on its alert and the officer sees the decision', async () => {
    const { hits } = await t.ok(
      `{ hits(first: 100, filter: { status: PENDING }) { edges { node { id alert { handling { owner } } checkpoint { country } } } } }`,
      {},
      { as: callers.hubAdmin, purpose: 'console test set-up' },
    );
    const bureaus = new Set(['ncb-fra', 'ncb-tha', 'ncb-deu', 'ncb-ita', 'ncb-esp', 'ncb-mar', 'ncb-tur', 'ncb-nga']);
    const hit = hits.edges
      .map((e: any) => e.node)
      .find((h: any) => bureaus.has(h.alert?.handling.owner) && bureaus.has(`ncb-${h.checkpoint.country.toLowerCase()}`));
    expect(hit).toBeDefined();

    const analyst = await openConsole(t, { width: 820, height: 1180 });
    await signIn(analyst.page, { organisation: hit.alert.handling.owner, role: 'NCB_ANALYST', clearance: 'RESTRICTED' }, 'SUNBIRD-IV hit follow-up');
    await analyst.page.getByRole('heading', { name: 'Hits on our alerts' }).waitFor();
    const card = analyst.page.locator(`[data-hit="${hit.id}"]`);
    await card.waitFor();
    await screenshot(analyst.page, 'analyst-hits-tablet');
    await card.getByLabel('Action taken').selectOption('QUESTIONED');
    await card.getByLabel('Note').fill('bearer questioned, released');
    await card.getByRole('button', { name: 'Confirm' }).click();
    await card.locator('.decision').getByText(/CONFIRMED — QUESTIONED/).waitFor();
    await analyst.context.close();

    const officer = await openConsole(t);
    await signIn(officer.page, { organisation: `ncb-${hit.checkpoint.country.toLowerCase()}`, role: 'BORDER_OFFICER', clearance: 'RESTRICTED' }, 'SUNBIRD-IV screening');
    await officer.page.getByRole('heading', { name: 'Hits at our checkpoints' }).waitFor();
    await officer.page.getByLabel('Status').selectOption('CONFIRMED');
    const seen = officer.page.locator(`[data-hit="${hit.id}"]`);
    await seen.locator('.decision').getByText(/CONFIRMED — QUESTIONED/).waitFor();
    await expect(seen.textContent()).resolves.toContain('bearer questioned, released');
    await screenshot(officer.page, 'officer-hits');
    await officer.page.getByRole('link', { name: 'Training sessions' }).click();
    await officer.page.getByRole('heading', { name: 'Training sessions' }).waitFor();
    await officer.page.locator('table tbody tr').first().waitFor();
    await screenshot(officer.page, 'officer-training');
    await officer.context.close();
  }, 60_000);
});

test('no request of the console was refused on the way: the first of each operation carried its registered text', async () => {
  const { accessEvents } = await t.ok(
    `query($from: DateTimeISO!) { accessEvents(first: 100, filter: { outcome: REFUSED, from: $from }) { edges { node { clientName refusalCode } } } }`,
    { from: suiteStarted },
    { as: callers.auditor },
  );
  expect(accessEvents.edges.map((e: any) => e.node).filter((e: any) => e.clientName === 'frontera-console')).toEqual([]);
  const { accessEvents: served } = await t.ok(`query($from: DateTimeISO!) { accessEvents(first: 1, filter: { from: $from, operationName: "ConsoleHits" }) { totalCount } }`, { from: suiteStarted }, { as: callers.auditor });
  expect(served.totalCount).toBeGreaterThan(0);
});

describe('the console with trusted documents enforced, on a production hub', () => {
  let hub: TestHub;
  let documents: string;
  beforeAll(async () => {
    // Only other clients' manifests here: the console's own is registered by the hub from its build.
    documents = mkdtempSync(path.join(tmpdir(), 'frontera-trusted-'));
    hub = await startTestHub({
      NODE_ENV: 'production',
      LOCAL_ISSUER: 'true',
      LOCAL_ISSUER_IN_PRODUCTION: 'anyone-with-the-secrets-can-mint-tokens',
      CONSOLE: 'true',
      TRUSTED_DOCUMENTS: 'enforce',
      TRUSTED_DOCUMENTS_DIR: documents,
      CONSOLE_DIR: BUILD,
    });
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    rmSync(documents, { recursive: true, force: true });
  });

  test('signing in takes a pasted token (no development sign-in), and every view runs on registered operations only', async () => {
    const started = new Date().toISOString();
    const mint = await fetch(`${origin(hub)}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organisation: 'hub', role: 'HUB_ADMIN', clearance: 'CONFIDENTIAL' }) });
    expect(mint.status).toBe(404);
    const { context, page } = await openConsole(hub);
    await page.getByLabel('Token from your organisation’s issuer').fill(await hub.token(callers.auditor));
    await page.getByLabel('Purpose of use').fill('AUDIT enforced documents');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.timeline li').first().waitFor();
    await page.getByLabel('Outcome').selectOption('OK');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('.timeline li button').first().click();
    await page.locator('article.details').getByRole('heading', { name: /^Event of/ }).waitFor();
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('link', { name: 'ANCHOR-III' }).click();
    await page.getByRole('heading', { name: /^ANCHOR-III/ }).waitFor();
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    await context.close();

    // The console's requests name it, so the hub matched them against its manifest (both hubs
    // write to the test database's log; the pasted token's subject is the harness's, not a minted one's).
    const { accessEvents } = await t.ok(
      `query($from: DateTimeISO!) { accessEvents(first: 1, filter: { operationName: "ConsoleOperationPage", subject: "test.hub.auditor", from: $from }) { edges { node { clientName outcome } } } }`,
      { from: started },
      { as: callers.auditor },
    );
    // PARTIAL: an auditor is not cleared for every part of an operation's page.
    expect(accessEvents.edges[0].node).toEqual({ clientName: 'frontera-console', outcome: expect.stringMatching(/^(OK|PARTIAL)$/) });
    // Anything else under the console's name is refused.
    const other = await hub.query(`{ operations(first: 1) { edges { node { code } } } }`, {}, { as: callers.auditor, headers: { 'apollographql-client-name': 'frontera-console' } });
    expect(other.status).toBe(400);
    expect(other.body.errors?.[0].extensions?.code).toBe('OPERATION_NOT_TRUSTED');
  }, 60_000);
});
