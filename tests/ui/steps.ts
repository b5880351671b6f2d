// What a person does in the app, step by step, through visible controls
// only (labels and roles: what a screen reader announces), never by script.
import AxeBuilder from '@axe-core/playwright';
import { type Locator, type Page, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, App, Authority, Relay, workDir } from './harness';

export const PASSPHRASE = 'correct horse battery staple';

// How the person acts: with the mouse (click, fill) or with the keyboard
// only (Tab to the control, then Enter, Space or typing), which proves the
// focus order reaches every control.
export interface Driver {
  page: Page;
  click(target: Locator): Promise<void>;
  fill(target: Locator, text: string): Promise<void>;
  // Sets a <select> to the option whose value is VALUE.
  choose(target: Locator, value: string): Promise<void>;
  upload(target: Locator, file: string): Promise<void>;
}

export function mouse(page: Page): Driver {
  return {
    page,
    click: (t) => t.click(),
    fill: (t, text) => t.fill(text),
    choose: async (t, value) => {
      await t.selectOption(value);
    },
    upload: (t, file) => t.setInputFiles(file),
  };
}

// Tabs until TARGET has the focus, and checks that the focus is not hidden
// (outline-style none: a keyboard user would not see where they are; the
// app draws a :focus-visible outline).
async function tabTo(page: Page, target: Locator): Promise<void> {
  await expect(target).toBeVisible();
  for (let i = 0; i < 120; i++) {
    if ((await target.and(page.locator(':focus')).count()) > 0) {
      const outline = await target.evaluate((el) => getComputedStyle(el).outlineStyle);
      expect(outline, `the focus on ${target} is visible`).not.toBe('none');
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`keyboard: Tab never reached ${target}`);
}

export function keyboard(page: Page): Driver {
  return {
    page,
    click: async (t) => {
      await tabTo(page, t);
      await page.keyboard.press('Enter');
    },
    fill: async (t, text) => {
      await tabTo(page, t);
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.insertText(text);
    },
    choose: async (t, value) => {
      // A focused, closed <select> steps through its options with the arrow
      // keys (each step a change event, as a keyboard user sees it).
      await tabTo(page, t);
      const values = await t.evaluate((s) => Array.from((s as HTMLSelectElement).options, (o) => o.value));
      const want = values.indexOf(value);
      if (want < 0) throw new Error(`keyboard: ${t} has no option ${value}`);
      for (let step = 0; step <= values.length; step++) {
        await tabTo(page, t);
        const at = values.indexOf(await t.inputValue());
        if (at === want) return;
        await page.keyboard.press(at < want ? 'ArrowDown' : 'ArrowUp');
      }
      await expect(t).toHaveValue(value);
    },
    upload: async (t, file) => {
      // Space on the focused file input opens the chooser. A re-render (a
      // live event refreshing the view) can take the focus away between the
      // Tab and the Space, and the chooser then never opens (the fresh-clone
      // CI saw it once): tab to it again, up to three times.
      for (let attempt = 0; attempt < 3; attempt++) {
        await tabTo(page, t);
        const chooser = page.waitForEvent('filechooser', { timeout: 10_000 }).catch(() => null);
        await page.keyboard.press('Space');
        const opened = await chooser;
        if (opened) {
          await opened.setFiles(file);
          return;
        }
      }
      throw new Error(`keyboard: Space on ${t} never opened the file chooser`);
    },
  };
}

export async function tab(d: Driver, name: string): Promise<void> {
  await d.click(d.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true }));
}

export async function createHome(d: Driver, name: string, relay: string, pin: string): Promise<void> {
  const page = d.page;
  await expect(page.getByRole('heading', { name: 'Create your backchannel home' })).toBeVisible();
  await d.fill(page.getByLabel('Your name', { exact: true }), name);
  await d.fill(page.getByLabel('Passphrase', { exact: true }), PASSPHRASE);
  await d.fill(page.getByLabel('Passphrase again'), PASSPHRASE);
  await d.fill(page.getByLabel('Relay address', { exact: true }), relay);
  await d.fill(page.getByLabel('Relay pin', { exact: true }), pin);
  await d.click(page.getByRole('button', { name: 'Create home' }));
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
}

export async function identityKey(d: Driver): Promise<string> {
  const page = d.page;
  await tab(d, 'My identity');
  const key = page.getByLabel('Identity key', { exact: true });
  await expect(key).toHaveText(/\S{20,}/);
  return (await key.textContent())!.trim();
}

export async function importCredential(d: Driver, file: string): Promise<void> {
  const page = d.page;
  await tab(d, 'My identity');
  await d.upload(page.getByLabel('Import credential file'), file);
  await expect(page.getByText('Credential imported.')).toBeVisible();
}

export async function trustAuthority(d: Driver, key: string, label: string, side: string): Promise<void> {
  const page = d.page;
  await tab(d, 'Authorities');
  const form = page.getByRole('form', { name: 'Add an authority' });
  await d.fill(form.getByLabel('Authority key'), key);
  await d.fill(form.getByLabel('Label'), label);
  await d.fill(form.getByLabel('Sides it may vouch for'), side);
  await d.click(form.getByRole('button', { name: 'Trust this authority' }));
  await expect(page.getByRole('cell', { name: label, exact: true })).toBeVisible();
}

export async function invitationCode(d: Driver): Promise<string> {
  const page = d.page;
  await tab(d, 'Contacts');
  await d.click(page.getByRole('button', { name: 'Show my invitation' }));
  const code = page.getByLabel('Invitation code', { exact: true });
  await expect(code).toHaveValue(/\S{20,}/);
  return (await code.inputValue()).trim();
}

export async function accept(d: Driver, code: string): Promise<void> {
  const page = d.page;
  await tab(d, 'Contacts');
  await d.fill(page.getByLabel('Code you received'), code);
  await d.click(page.getByRole('button', { name: 'Accept invitation' }));
  await expect(page.getByText(/^Added /)).toBeVisible({ timeout: 30_000 });
}

export async function openConversation(d: Driver, contact: string): Promise<void> {
  const page = d.page;
  await tab(d, 'Conversations');
  await d.click(page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: contact }));
  await expect(page.getByRole('heading', { name: `Conversation with ${contact}` })).toBeVisible();
}

export async function send(d: Driver, contact: string, text: string): Promise<void> {
  const page = d.page;
  const box = page.getByLabel(`Message to ${contact}`);
  await d.fill(box, text);
  await d.click(page.getByRole('button', { name: 'Send', exact: true }));
  // The app answered (the box is cleared then): the next message may be typed.
  await expect(box).toHaveValue('', { timeout: 30_000 });
}

export function messages(page: Page, contact: string) {
  return page.getByRole('log', { name: `Messages with ${contact}` });
}

export async function unlock(d: Driver): Promise<void> {
  const page = d.page;
  await expect(page.getByRole('heading', { name: 'Unlock backchannel' })).toBeVisible();
  await d.fill(page.getByLabel('Passphrase'), PASSPHRASE);
  await d.click(page.getByRole('button', { name: 'Unlock' }));
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
}

// A screenshot of the view as it is, under the build tree; prints its path.
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`SCREENSHOT ${path}`);
}

// axe-core over the page as it is: no serious or critical violation.
export async function accessible(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe on ${view}`).toEqual([]);
}

// The setting every two-party scenario starts from: a fresh folder, a
// running relay, two ministries' authorities (folder and side each) and two
// running apps (named by their home folders; no page opened yet). Runs
// `body`, then stops both apps and the relay whatever happened.
export interface TwoParties {
  dir: string;
  relay: Relay;
  authorities: [Authority, Authority];
  apps: [App, App];
}

export async function twoParties(
  authorities: [[string, string], [string, string]],
  apps: [string, string],
  body: (s: TwoParties) => Promise<void>,
): Promise<void> {
  const dir = workDir();
  const relay = new Relay(dir);
  await relay.start();
  const made: [Authority, Authority] = [
    new Authority(dir, authorities[0][0], authorities[0][1]),
    new Authority(dir, authorities[1][0], authorities[1][1]),
  ];
  const running: [App, App] = [new App(dir, apps[0]), new App(dir, apps[1])];
  try {
    for (const app of running) await app.start();
    await body({ dir, relay, authorities: made, apps: running });
  } finally {
    for (const app of running) await app.stop();
    await relay.stop();
  }
}
