// The talks round of issue 18's scenario 1, shared by the mouse run
// (talks_round.spec.ts, which goes on to the chart) and the keyboard-only
// run (talks_keyboard.spec.ts): the Geneva talks set up with the CLI, then
// in the browser a proposal; the principal's veto with a reason, seen by the
// envoy; a revised draft approved; a counter; the acceptance; the
// ratification (cleared at home); the record verified and exported. Every
// step goes through a Driver, so the keyboard run reaches each control with
// Tab and works it with Enter and the arrow keys.
import { type Browser, type Page, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure } from './harness';
import { type Driver, accessible, shot } from './steps';
import { Cast, bc, openTalks } from './talks_fixture';

const SCEN = join('..', '..', 'scenarios', 'grand_bargain');
export const TITLE = 'Geneva channel';
const US = 'United States';
const IR = 'Iran';

type Pkg = Record<string, string>;
const P1: Pkg = {
  nuclear: 'capped-inspections',
  sanctions: 'full-lifting',
  prisoners: 'mek-for-aq-unconditional',
  'armed-groups': 'hezbollah-to-politics',
  recognition: 'discuss-arab-league-plan',
  designation: 'no-regime-change',
};
const VETOED: Pkg = {
  nuclear: 'suspension',
  sanctions: 'unfreeze-assets',
  prisoners: 'mek-for-aq-amnesty-icrc',
  'armed-groups': 'both-commitments',
  recognition: 'accept-arab-league-plan',
  designation: 'drop-axis-of-evil',
};
const REVISED: Pkg = { ...VETOED, prisoners: 'aq-to-home-countries', designation: 'security-assurances' };

// As the page shows a package (the core's JSON object: issues in name order).
function words(p: Pkg): string {
  return Object.entries(p)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

async function pick(d: Driver, p: Pkg): Promise<void> {
  for (const [issue, option] of Object.entries(p)) {
    await d.choose(d.page.getByLabel(`Option for ${issue}`, { exact: true }), option);
  }
  // The core evaluated the whole package.
  await expect(d.page.getByRole('status', { name: 'Evaluation of the package' })).not.toContainText('Your utility: unknown');
}

export async function part(d: Driver, name: string): Promise<void> {
  await d.click(d.page.getByRole('navigation', { name: 'Talks parts' }).getByRole('button', { name, exact: true }));
}

// The cast (mediator benali, envoys whitfield and rahimi, the US principal
// State) with the talks created and joined by the CLI, each app open in a
// page driven by HOW. The caller stops the cast.
export async function genevaCast(browser: Browser, how: (page: Page) => Driver): Promise<Cast> {
  const cast = new Cast();
  await cast.start();
  // The ministries' IT: authorities, homes, in-person meetings (CLI).
  for (const side of [US, IR, 'United Nations']) cast.authority(side);
  cast.person('benali', 'Mr. Benali', 'United Nations', 'mediator');
  cast.person('whitfield', 'Amb. Whitfield', US, 'envoy');
  cast.person('rahimi', 'Amb. Rahimi', IR, 'envoy');
  cast.person('state', 'State', US, 'principal');
  cast.meet('benali', 'whitfield');
  cast.meet('benali', 'rahimi');
  cast.meet('whitfield', 'rahimi');
  cast.meet('whitfield', 'state');
  // The talks opened and joined (CLI): the US clears at home with State.
  const m = cast.get('benali').home;
  bc(m, ['talks', 'create', 'geneva', '--title', TITLE, '--agenda', join(SCEN, 'agenda.json'), '--side', US, '--side', IR]);
  bc(m, ['talks', 'invite', 'geneva', 'Amb. Whitfield', '--role', 'envoy']);
  bc(m, ['talks', 'invite', 'geneva', 'Amb. Rahimi', '--role', 'envoy']);
  const w = cast.get('whitfield').home;
  bc(w, ['talks', 'join', 'geneva', '--profile', join(SCEN, 'us.profile.json'), '--rule', 'approve=State']);
  bc(cast.get('rahimi').home, ['talks', 'join', 'geneva', '--profile', join(SCEN, 'iran.profile.json')]);
  bc(w, ['talks', 'invite', 'geneva', 'State', '--role', 'principal']);
  bc(cast.get('state').home, ['talks', 'join', 'geneva']);
  cast.sync('benali', 'whitfield', 'rahimi', 'state', 'benali', 'whitfield', 'rahimi');
  await cast.openWith(browser, how, 'benali', 'whitfield', 'rahimi', 'state');
  return cast;
}

// The round, played by the envoys and the principal. MEASURED: the run
// whose screenshots, axe checks and Propose figures count (the mouse run;
// the keyboard run proves reach and focus, not speed).
export async function playRound(cast: Cast, measured: boolean): Promise<void> {
  const W = cast.page('whitfield');
  const R = cast.page('rahimi');
  const S = cast.page('state');
  const wp = W.page;
  const rp = R.page;
  const sp = S.page;

  // The room, populated.
  await openTalks(W, TITLE);
  await expect(wp.getByText('Amb. Rahimi — envoy, Iran')).toBeVisible();
  if (measured) {
    await shot(wp, 'talks-room');
    await accessible(wp, 'talks room');
  }

  // 1. Iran proposes (no clearance rule): the move is on the table at once.
  await openTalks(R, TITLE, 'Package builder');
  await pick(R, P1);
  if (measured) {
    await shot(rp, 'talks-builder');
    await accessible(rp, 'package builder');
  }
  let t0 = Date.now();
  await R.click(rp.getByRole('button', { name: 'Propose this package' }));
  await expect(rp.locator('p.said[role="status"]')).toBeVisible();
  if (measured) figure("Propose click to the app's answer shown (submitted to the host)", `${Date.now() - t0} ms`);
  const offer1 = rp.getByRole('listitem').filter({ hasText: words(P1) });
  await expect(offer1.getByRole('button', { name: /^Withdraw offer/ })).toBeVisible();
  if (measured) {
    figure("Propose click to the move shown (no clearance rule; the host's decision comes back over the relay)", `${Date.now() - t0} ms`);
  }

  // 2. The US counters: a draft for State, which vetoes it with a reason.
  await part(W, 'Package builder');
  const toCounter = wp.getByRole('listitem').filter({ hasText: words(P1) });
  await expect(toCounter).toBeVisible({ timeout: 30_000 });
  await pick(W, VETOED);
  t0 = Date.now();
  await W.click(toCounter.getByRole('button', { name: /^Counter offer \d+ with the built package$/ }));
  await expect(wp.getByRole('list', { name: 'Our drafts at home' })).toContainText('Draft d1 (counter)');
  if (measured) figure('Propose click to the draft shown (clearance rule)', `${Date.now() - t0} ms`);

  const reason = 'Do not offer the MEK detainees: they may yet be useful to us.';
  await openTalks(S, TITLE, 'Clearance');
  const d1 = sp.getByRole('listitem', { name: 'Draft d1' });
  await expect(d1).toContainText(words(VETOED), { timeout: 30_000 });
  await S.fill(d1.getByLabel('Reason for your verdict on draft d1'), reason);
  if (measured) await shot(sp, 'talks-clearance-principal');
  await S.click(d1.getByRole('button', { name: 'Veto draft d1' }));
  await expect(d1).toContainText('State vetoed');

  // The envoy sees who blocks and why.
  await part(W, 'Clearance');
  const wd1 = wp.getByRole('listitem', { name: 'Draft d1' });
  await expect(wd1).toContainText('Blocked by State', { timeout: 30_000 });
  await expect(wd1).toContainText(reason);
  if (measured) await shot(wp, 'talks-clearance-envoy');

  // 3. A revised draft, approved: it goes to the table.
  await part(W, 'Package builder');
  await pick(W, REVISED);
  await W.choose(wp.getByLabel('Revises the blocked draft'), 'd1');
  await W.click(wp.getByRole('listitem').filter({ hasText: words(P1) }).getByRole('button', { name: /^Counter offer/ }));
  await expect(wp.getByRole('list', { name: 'Our drafts at home' })).toContainText('Draft d2 (counter)');
  const d2 = sp.getByRole('listitem', { name: 'Draft d2' });
  await expect(d2).toBeVisible({ timeout: 30_000 });
  await S.fill(d2.getByLabel('Reason for your verdict on draft d2'), 'The assurances are acceptable.');
  await S.click(d2.getByRole('button', { name: 'Approve draft d2' }));
  await expect(d2).toContainText('State approved');

  // 4. Iran accepts the US counter, seeing the package it accepts: the
  // acceptance panel takes the focus as it opens.
  const counter = rp.getByRole('listitem').filter({ hasText: words(REVISED) });
  await expect(counter).toBeVisible({ timeout: 60_000 });
  await R.click(counter.getByRole('button', { name: /^Accept offer/ }));
  const acceptance = rp.getByRole('region', { name: 'Acceptance' });
  await expect(acceptance).toContainText(words(REVISED));
  await expect(acceptance).toBeFocused();
  await R.click(rp.getByRole('button', { name: 'Confirm the acceptance' }));
  await expect(rp.getByText('Agreed ad referendum')).toBeVisible({ timeout: 60_000 });

  // 5. Ratification: the US's is cleared at home first.
  await expect(wp.getByText('Agreed ad referendum')).toBeVisible({ timeout: 60_000 });
  await W.click(wp.getByRole('button', { name: 'Ratify the agreement' }));
  const d3 = sp.getByRole('listitem', { name: 'Draft d3' });
  await expect(d3).toBeVisible({ timeout: 30_000 });
  await S.click(d3.getByRole('button', { name: 'Approve draft d3' }));
  await R.click(rp.getByRole('button', { name: 'Ratify the agreement' }));
  await expect(wp.locator('.phase')).toContainText(/ratified/i, { timeout: 60_000 });

  // 6. The record: intact, exported as a download (the link takes the
  // focus as it appears).
  await part(W, 'Record');
  await W.click(wp.getByRole('button', { name: 'Verify the record' }));
  await expect(wp.getByRole('status').filter({ hasText: 'The record is intact' })).toBeVisible();
  await W.click(wp.getByRole('button', { name: 'Export as Markdown' }));
  const link = wp.getByRole('link', { name: /^Download .*\.md$/ });
  await expect(link).toBeFocused();
  const download = wp.waitForEvent('download');
  await W.click(link);
  const file = await download;
  expect(file.suggestedFilename()).toBe('geneva-record.md');
  const text = readFileSync((await file.path())!, 'utf8');
  expect(text).toContain(TITLE);
  expect(text).toMatch(/ratified/i);
  if (measured) await shot(wp, 'talks-record');
}
