// The cast of the talks scenarios (issue 18): a relay, the ministries'
// authorities, and homes for envoys, principals and a mediator, set up with
// the CLI as a ministry's IT would (create the home, accredit it, trust the
// authorities, meet in person), the talks created and joined with the CLI
// too; then each home's `backchannel app` runs and a browser page unlocks
// it. Everything done in the talks afterwards goes through the pages.
import { type Browser, type Page, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Authority, BIN, Relay, workDir } from './harness';
import { type Driver, PASSPHRASE, mouse, tab, unlock } from './steps';

// `backchannel ARGS --json --home HOME` with the home's passphrase (before
// the app runs) or through the app's agent socket (while it runs).
export function bc(home: string, args: string[]): Record<string, unknown> {
  let out: string;
  // The options go before a `--` (after it, everything is an argument).
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  const argv = [...args.slice(0, end), '--home', home, '--json', ...args.slice(end)];
  try {
    out = execFileSync(BIN, argv, {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, BACKCHANNEL_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`backchannel ${args.join(' ')} --home ${home}: ${err.stdout ?? ''} ${err.stderr ?? ''}`);
  }
  const doc = JSON.parse(out) as Record<string, unknown>;
  if (doc.ok !== true) throw new Error(`backchannel ${args.join(' ')} --home ${home}: ${out}`);
  return doc;
}

export interface Person {
  name: string; // the display name in the credential: how the others see them
  home: string;
  app: App;
  page?: Driver;
}

export class Cast {
  readonly dir = workDir();
  readonly relay = new Relay(this.dir);
  readonly people = new Map<string, Person>();
  private readonly authorities = new Map<string, Authority>();

  async start(): Promise<void> {
    await this.relay.start();
  }

  authority(side: string): Authority {
    let a = this.authorities.get(side);
    if (!a) {
      a = new Authority(this.dir, `authority-${this.authorities.size}`, side);
      this.authorities.set(side, a);
    }
    return a;
  }

  // A home accredited by SIDE's authority as ROLE, trusting every authority
  // made so far (make the authorities first).
  person(key: string, name: string, side: string, role: string): Person {
    const app = new App(this.dir, key);
    bc(app.home, ['init', '--relay', this.relay.address, '--pin', this.relay.pin, '--kdf', 'interactive']);
    const identity = bc(app.home, ['status']).identity_key as string;
    const credential = this.authority(side).issue(identity, name, role, `${key}.cred`);
    bc(app.home, ['credential', 'import', credential]);
    for (const [s, a] of this.authorities) bc(app.home, ['trust', 'add', '--side', s, '--', a.key]);
    const p = { name, home: app.home, app };
    this.people.set(key, p);
    return p;
  }

  get(key: string): Person {
    const p = this.people.get(key);
    if (!p) throw new Error(`no ${key} in the cast`);
    return p;
  }

  // An invitation handed over in person; both receive the credentials.
  meet(a: string, b: string): void {
    const code = bc(this.get(a).home, ['invite']).code as string;
    bc(this.get(b).home, ['accept', code]);
    bc(this.get(a).home, ['inbox']);
    bc(this.get(b).home, ['inbox']);
  }

  sync(...keys: string[]): void {
    for (const k of keys) bc(this.get(k).home, ['talks', 'sync']);
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  // Starts the app of each and opens it in its own browser page, unlocked.
  async open(browser: Browser, ...keys: string[]): Promise<void> {
    await this.openWith(browser, mouse, ...keys);
  }

  // The same, each page driven by HOW (the mouse, or the keyboard only).
  async openWith(browser: Browser, how: (page: Page) => Driver, ...keys: string[]): Promise<void> {
    for (const k of keys) {
      const p = this.get(k);
      await p.app.start();
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      p.page = how(page);
      await page.goto(p.app.url);
      await unlock(p.page);
    }
  }

  page(key: string): Driver {
    const d = this.get(key).page;
    if (!d) throw new Error(`${key} has no page open`);
    return d;
  }

  async stop(): Promise<void> {
    for (const p of this.people.values()) await p.app.stop();
    await this.relay.stop();
  }
}

// Opens the talks TITLE in the page and one of its parts.
export async function openTalks(d: Driver, title: string, part = 'Room'): Promise<void> {
  const page = d.page;
  await tab(d, 'Talks');
  await d.click(page.getByRole('navigation', { name: 'Talks', exact: true }).getByRole('button', { name: title }));
  await expect(page.getByRole('heading', { name: title, level: 2 })).toBeVisible();
  await d.click(page.getByRole('navigation', { name: 'Talks parts' }).getByRole('button', { name: part, exact: true }));
}
