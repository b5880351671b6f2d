// Scenario 1 of issue 17: two envoys onboard in the app (create a home,
// hand the identity key to their ministry's authority, import the
// credential, trust both ministries), exchange an invitation, compare safety
// numbers in person and talk; a message sent while the relay is down shows as
// queued and arrives once when it is back. Run twice: with the mouse, and
// with the keyboard only. Each view is screenshotted and checked by axe-core;
// the speed figures are printed.
import { type Browser, expect, test } from '@playwright/test';
import { type App, figure, gzippedJsBytes } from './harness';
import {
  type Driver,
  accept,
  accessible,
  createHome,
  identityKey,
  importCredential,
  invitationCode,
  keyboard,
  messages,
  mouse,
  openConversation,
  send,
  shot,
  tab,
  trustAuthority,
  twoParties,
  unlock,
} from './steps';

async function envoy(browser: Browser, app: App, how: 'mouse' | 'keyboard'): Promise<Driver> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  return how === 'mouse' ? mouse(page) : keyboard(page);
}

// The two halves shown side by side: [ours, theirs].
async function safetyNumber(d: Driver, contact: string): Promise<[string, string]> {
  await tab(d, 'Contacts');
  await d.click(d.page.getByRole('button', { name: `Safety number of ${contact}` }));
  const half = async (name: string) => {
    const figure = d.page.getByRole('figure', { name, exact: true });
    await expect(figure.locator('code').first()).toBeVisible();
    return (await figure.locator('code').allTextContents()).join(' ');
  };
  return [await half('Your half'), await half(`${contact}'s half`)];
}

for (const how of ['mouse', 'keyboard'] as const) {
  const scenario = test;
  scenario(`two envoys onboard, meet, compare safety numbers and talk (${how})`, async ({ browser }) => {
    await twoParties([['usa', 'United States'], ['ira', 'Iran']], ['whitfield', 'rahimi'], async (s) => {
      const { relay } = s;
      const [usa, ira] = s.authorities;
      const [whitfieldApp, rahimiApp] = s.apps;
      const w = await envoy(browser, whitfieldApp, how);
      const r = await envoy(browser, rahimiApp, how);
      const views = how === 'mouse'; // screenshots and axe once, on the mouse run

      // First run, timed to an interactive page.
      const t0 = Date.now();
      await w.page.goto(whitfieldApp.url);
      await expect(w.page.getByLabel('Your name')).toBeEditable();
      if (views) figure('time to an interactive page (first run form)', `${Date.now() - t0} ms`);
      if (views) {
        await shot(w.page, 'first-run');
        await accessible(w.page, 'first run');
      }
      await createHome(w, 'Whitfield', relay.address, relay.pin);
      await r.page.goto(rahimiApp.url);
      await createHome(r, 'Rahimi', relay.address, relay.pin);

      // Accreditation: the key goes to the ministry, the credential comes back.
      const wKey = await identityKey(w);
      if (views) {
        await shot(w.page, 'identity');
        await accessible(w.page, 'identity');
      }
      await importCredential(w, usa.issue(wKey, 'Amb. Whitfield', 'envoy', 'whitfield.cred'));
      await importCredential(r, ira.issue(await identityKey(r), 'Amb. Rahimi', 'envoy', 'rahimi.cred'));
      if (views) await shot(w.page, 'identity-credential');
      for (const d of [w, r]) {
        await trustAuthority(d, usa.key, 'US ministry', 'United States');
        await trustAuthority(d, ira.key, 'Iranian ministry', 'Iran');
      }
      if (views) {
        await shot(w.page, 'authorities');
        await accessible(w.page, 'authorities');
      }

      // The invitation, handed over in person.
      const code = await invitationCode(w);
      if (views) {
        await shot(w.page, 'invite');
        await accessible(w.page, 'contacts with an invitation');
      }
      await accept(r, code);
      await tab(w, 'Contacts');
      await expect(w.page.getByRole('button', { name: 'Talk to Amb. Rahimi' })).toBeVisible({ timeout: 30_000 });

      // Safety numbers side by side: my half is the other's "their half" and
      // the other way round; both record the comparison.
      const [wOurs, wTheirs] = await safetyNumber(w, 'Amb. Rahimi');
      const [rOurs, rTheirs] = await safetyNumber(r, 'Amb. Whitfield');
      expect(wOurs).toMatch(/^(\d{5} ){5}\d{5}$/);
      expect(wOurs).toBe(rTheirs);
      expect(wTheirs).toBe(rOurs);
      expect(wOurs).not.toBe(wTheirs);
      if (views) {
        await shot(w.page, 'safety-number');
        await accessible(w.page, 'safety number');
      }
      for (const d of [w, r]) {
        await d.click(d.page.getByRole('button', { name: 'We compared it in person' }));
        await expect(d.page.getByText('Compared in person.')).toBeVisible();
      }

      // Talking, live on both sides.
      await openConversation(w, 'Amb. Rahimi');
      await openConversation(r, 'Amb. Whitfield');
      const hello = `Good morning, Ambassador (${how}).`;
      const t1 = Date.now();
      await send(w, 'Amb. Rahimi', hello);
      await expect(messages(w.page, 'Amb. Rahimi').getByText(hello)).toBeVisible();
      if (views) figure('send to shown in the sender\'s view', `${Date.now() - t1} ms`);
      await expect(messages(r.page, 'Amb. Whitfield').getByText(hello)).toBeVisible({ timeout: 30_000 });
      if (views) figure('send to shown in the recipient\'s view (relay, SSE)', `${Date.now() - t1} ms`);
      const farsi = 'صبح بخیر، جناب سفیر';
      await send(r, 'Amb. Whitfield', farsi);
      await expect(messages(w.page, 'Amb. Rahimi').getByText(farsi)).toBeVisible({ timeout: 30_000 });
      if (views) {
        await shot(w.page, 'conversation');
        await accessible(w.page, 'conversation');
      }

      // The relay goes down: the message is queued, the banner says so.
      await relay.stop();
      await expect(w.page.getByText(/Relay unreachable — \d+ queued/)).toBeVisible({ timeout: 60_000 });
      const offline = `Sent while the relay was down (${how}).`;
      await send(w, 'Amb. Rahimi', offline);
      const mine = messages(w.page, 'Amb. Rahimi').getByRole('listitem').filter({ hasText: offline });
      await expect(mine).toContainText('queued');
      await expect(w.page.getByText('Relay unreachable — 1 queued')).toBeVisible({ timeout: 30_000 });
      if (views) {
        await shot(w.page, 'relay-down');
        await accessible(w.page, 'relay unreachable');
      }
      // Back: it goes out, once.
      await relay.start();
      await expect(mine).toContainText('sent', { timeout: 90_000 });
      await expect(w.page.getByText(/Relay unreachable/)).toHaveCount(0, { timeout: 30_000 });
      const arrived = messages(r.page, 'Amb. Whitfield').getByText(offline);
      await expect(arrived).toBeVisible({ timeout: 60_000 });
      await r.page.waitForTimeout(2_000); // a duplicate would show by now
      await expect(arrived).toHaveCount(1);

      // Lock wipes the key; the passphrase opens it again.
      await tab(w, 'Passphrase and lock');
      if (views) {
        await shot(w.page, 'settings');
        await accessible(w.page, 'passphrase and lock');
      }
      await w.click(w.page.getByRole('button', { name: 'Lock now' }));
      if (views) {
        await expect(w.page.getByRole('heading', { name: 'Unlock backchannel' })).toBeVisible();
        await shot(w.page, 'unlock');
        await accessible(w.page, 'unlock');
      }
      await unlock(w);
      await openConversation(w, 'Amb. Rahimi');
      await expect(messages(w.page, 'Amb. Rahimi').getByText(offline)).toBeVisible();

      if (views) figure('gzipped JS', `${gzippedJsBytes()} bytes`);
    });
  });
}
