// Scenario 3 of issue 17, the browser's side of the loopback security: the
// headers on the page, the single-use URL token, two apps on one machine
// never using each other's session, and every string from the network
// (display names, message text) rendered as text, never markup.
import { type Page, expect, test } from '@playwright/test';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, BIN, workDir } from './harness';
import {
  accept,
  accessible,
  createHome,
  identityKey,
  importCredential,
  invitationCode,
  messages,
  mouse,
  openConversation,
  send,
  shot,
  tab,
  trustAuthority,
  twoParties,
} from './steps';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const notConnected = (page: Page) => page.getByRole('heading', { name: 'Not connected to your app' });
const firstRun = (page: Page) => page.getByRole('heading', { name: 'Create your backchannel home' });

test('the page carries the security headers; the URL token works once; sessions stay per app', async ({ browser }) => {
  const dir = workDir();
  const a = new App(dir, 'a');
  const b = new App(dir, 'b');
  await a.start();
  await b.start();
  try {
    const one = await browser.newContext();
    const page = await one.newPage();
    const response = await page.goto(a.url);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(CSP);
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    await expect(firstRun(page)).toBeVisible();
    // The token left the address bar at once.
    expect(page.url()).not.toContain('token=');

    // The same address again, in another browser: refused.
    const other = await browser.newContext();
    const thief = await other.newPage();
    await thief.goto(a.url);
    await expect(notConnected(thief)).toBeVisible();
    await expect(firstRun(thief)).toHaveCount(0);
    await shot(thief, 'no-session');
    await accessible(thief, 'no session');

    // Two apps in one browser (cookies are shared across ports): each keeps
    // its own session, neither overwrites the other's.
    const pageB = await one.newPage();
    await pageB.goto(b.url);
    await expect(firstRun(pageB)).toBeVisible();
    await page.goto(`${a.origin}/`);
    await expect(firstRun(page)).toBeVisible();
    await pageB.goto(`${b.origin}/`);
    await expect(firstRun(pageB)).toBeVisible();

    // A browser holding only a's session gets nothing from b.
    const onlyA = await browser.newContext();
    const pa = await onlyA.newPage();
    const c = new App(dir, 'c');
    await c.start();
    try {
      await pa.goto(c.url);
      await expect(firstRun(pa)).toBeVisible();
      await pa.goto(`${b.origin}/`);
      await expect(notConnected(pa)).toBeVisible();
    } finally {
      await c.stop();
    }
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('the binary alone serves the app: no Node, no files beside it', async ({ browser }) => {
  const dir = workDir();
  const lone = join(dir, 'empty');
  mkdirSync(lone);
  copyFileSync(BIN, join(lone, 'backchannel'));
  chmodSync(join(lone, 'backchannel'), 0o755);
  const app = new App(dir, 'home', join(lone, 'backchannel'), { PATH: '/nonexistent', HOME: dir });
  await app.start();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url);
    await expect(firstRun(page)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create home' })).toHaveCSS('background-color', 'rgb(11, 92, 173)');
  } finally {
    await app.stop();
  }
});

// Payloads from the usual XSS families: tags with handlers, script, SVG,
// javascript: URLs, template syntax, bidi overrides.
const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  "'><iframe src=javascript:alert(4)>",
  '<a href="javascript:alert(5)">click</a>',
  "{{constructor.constructor('alert(6)')()}}",
  '<style>body{display:none}</style>',
  '\u202Egnp.exe',
];

test('names and messages from the network render as text', async ({ browser }) => {
  await twoParties([['usa', 'United States'], ['ira', 'Iran']], ['x', 'y'], async (s) => {
    const { relay } = s;
    const [usa, ira] = s.authorities;
    const [xApp, yApp] = s.apps;
    const dialogs: string[] = [];
    const x = mouse(await (await browser.newContext()).newPage());
    const y = mouse(await (await browser.newContext()).newPage());
    for (const d of [x, y]) d.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const evilName = '<img src=x onerror=alert(9)> Rahimi';
    await x.page.goto(xApp.url);
    await createHome(x, 'Whitfield', relay.address, relay.pin);
    await importCredential(x, usa.issue(await identityKey(x), 'Amb. Whitfield', 'envoy', 'x.cred'));
    await y.page.goto(yApp.url);
    await createHome(y, evilName, relay.address, relay.pin);
    await importCredential(y, ira.issue(await identityKey(y), evilName, 'envoy', 'y.cred'));
    for (const d of [x, y]) {
      await trustAuthority(d, usa.key, 'US ministry', 'United States');
      await trustAuthority(d, ira.key, 'Iranian ministry', 'Iran');
    }
    await accept(y, await invitationCode(x));
    await tab(x, 'Contacts');
    await expect(x.page.getByRole('button', { name: `Talk to ${evilName}` })).toBeVisible({ timeout: 30_000 });

    await openConversation(x, evilName);
    await openConversation(y, 'Amb. Whitfield');
    for (const p of PAYLOADS) await send(y, 'Amb. Whitfield', p);
    const log = messages(x.page, evilName);
    for (const p of PAYLOADS) {
      await expect(log.getByText(p, { exact: true })).toBeVisible({ timeout: 30_000 });
    }
    await shot(x.page, 'xss-corpus');
    await accessible(x.page, 'conversation with payloads');
    // Nothing became markup: no image, frame, inline script or style, no
    // dialog, and the page is still shown.
    for (const d of [x, y]) {
      await expect(d.page.locator('img, iframe, script:not([src]), style, a[href^="javascript"]')).toHaveCount(0);
      await expect(d.page.locator('body')).toBeVisible();
    }
    expect(dialogs).toEqual([]);
  });
});
