// Issue 18, scenarios 1, 2 and 4: a talks round played in the browser by two
// envoys, a principal at home and the mediator — a proposal; the principal's
// veto with a reason, seen by the envoy; a revised draft approved; a counter;
// the acceptance; the ratification (cleared at home); the record verified and
// exported. Then the chart: its marks equal the core's analysis as the CLI
// prints it beside the running app (`talks analysis --json`), titled
// "estimated" for an envoy and "exact" for the mediator once the profiles are
// shared. axe-core on the populated room, builder and chart; screenshots of
// each view; the Propose → shown figures.
import { type Locator, type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure } from './harness';
import { accessible, shot } from './steps';
import { Cast, bc, openTalks } from './talks_fixture';

const SCEN = join('..', '..', 'scenarios', 'grand_bargain');
const TITLE = 'Geneva channel';
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

async function pick(page: Page, p: Pkg): Promise<void> {
  for (const [issue, option] of Object.entries(p)) {
    await page.getByLabel(`Option for ${issue}`, { exact: true }).selectOption(option);
  }
  // The core evaluated the whole package.
  await expect(page.getByRole('status', { name: 'Evaluation of the package' })).not.toContainText('Your utility: unknown');
}

async function part(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Talks parts' }).getByRole('button', { name, exact: true }).click();
}

interface Mark {
  u0: number;
  u1: number;
  move?: string;
}

async function marks(scope: Locator, kind: string): Promise<Mark[]> {
  const found = scope.locator(`[data-kind="${kind}"]`);
  const n = await found.count();
  const out: Mark[] = [];
  for (let k = 0; k < n; k++) {
    const m = found.nth(k);
    out.push({
      u0: Number(await m.getAttribute('data-u0')),
      u1: Number(await m.getAttribute('data-u1')),
      move: (await m.getAttribute('data-move')) ?? undefined,
    });
  }
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
const byXY = (p: Mark, q: Mark) => p.u0 - q.u0 || p.u1 - q.u1;

interface Pt {
  u: (number | null)[];
}

// The chart's marks in the projection of sides 0 and 1 against the core's
// analysis (the CLI, through the app's agent socket).
async function chartMatches(page: Page, home: string, title: 'exact' | 'estimated'): Promise<void> {
  await expect(page.getByRole('heading', { name: `Outcome space — ${title}` })).toBeVisible({ timeout: 30_000 });
  const doc = bc(home, ['talks', 'analysis', 'geneva']);
  const a = (doc.result ?? doc) as {
    title: string;
    frontier: Pt[];
    nash: Pt | null;
    kalai_smorodinsky: Pt | null;
    offers: (Pt & { move: number })[];
  };
  expect(a.title).toBe(title);
  const fig = page.locator('figure[data-pair="0,1"]');
  await expect(fig.locator('svg')).toBeVisible();
  const known = (p: Pt) => p.u[0] !== null && p.u[1] !== null;
  const frontier = (await marks(fig, 'frontier')).sort(byXY);
  const want = a.frontier.filter(known).map((p) => ({ u0: p.u[0]!, u1: p.u[1]! })).sort(byXY);
  expect(frontier.length).toBe(want.length);
  expect(want.length).toBeGreaterThan(0);
  frontier.forEach((m, k) => expect(close(m.u0, want[k].u0) && close(m.u1, want[k].u1), `frontier point ${k}`).toBe(true));
  for (const [kind, p] of [
    ['nash', a.nash],
    ['ks', a.kalai_smorodinsky],
  ] as const) {
    const drawn = await marks(fig, kind);
    expect(drawn.length, kind).toBe(p && known(p) ? 1 : 0);
    if (p && known(p)) expect(close(drawn[0].u0, p.u[0]!) && close(drawn[0].u1, p.u[1]!), kind).toBe(true);
  }
  const offers = await marks(fig, 'offer');
  const wantOffers = a.offers.filter(known);
  expect(offers.length).toBe(wantOffers.length);
  for (const o of wantOffers) {
    const m = offers.find((x) => x.move === String(o.move));
    expect(m, `offer ${o.move}`).toBeDefined();
    expect(close(m!.u0, o.u[0]!) && close(m!.u1, o.u[1]!), `offer ${o.move}`).toBe(true);
  }
}

test('a talks round in the browser: veto, revision, counter, acceptance, ratification, record; the chart', async ({ browser }) => {
  test.setTimeout(420_000);
  const cast = new Cast();
  await cast.start();
  try {
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

    await cast.open(browser, 'benali', 'whitfield', 'rahimi', 'state');
    const wp = cast.page('whitfield').page;
    const rp = cast.page('rahimi').page;
    const sp = cast.page('state').page;
    const mp = cast.page('benali').page;

    // The room, populated.
    await openTalks(cast.page('whitfield'), TITLE);
    await expect(wp.getByText('Amb. Rahimi — envoy, Iran')).toBeVisible();
    await shot(wp, 'talks-room');
    await accessible(wp, 'talks room');

    // 1. Iran proposes (no clearance rule): the move is on the table at once.
    await openTalks(cast.page('rahimi'), TITLE, 'Package builder');
    await pick(rp, P1);
    await shot(rp, 'talks-builder');
    await accessible(rp, 'package builder');
    let t0 = Date.now();
    await rp.getByRole('button', { name: 'Propose this package' }).click();
    await expect(rp.locator('p.said[role="status"]')).toBeVisible();
    figure("Propose click to the app's answer shown (submitted to the host)", `${Date.now() - t0} ms`);
    const offer1 = rp.getByRole('listitem').filter({ hasText: words(P1) });
    await expect(offer1.getByRole('button', { name: /^Withdraw offer/ })).toBeVisible();
    figure("Propose click to the move shown (no clearance rule; the host's decision comes back over the relay)", `${Date.now() - t0} ms`);

    // 2. The US counters: a draft for State, which vetoes it with a reason.
    await part(wp, 'Package builder');
    const toCounter = wp.getByRole('listitem').filter({ hasText: words(P1) });
    await expect(toCounter).toBeVisible({ timeout: 30_000 });
    await pick(wp, VETOED);
    t0 = Date.now();
    await toCounter.getByRole('button', { name: /^Counter offer \d+ with the built package$/ }).click();
    await expect(wp.getByRole('list', { name: 'Our drafts at home' })).toContainText('Draft d1 (counter)');
    figure('Propose click to the draft shown (clearance rule)', `${Date.now() - t0} ms`);

    const reason = 'Do not offer the MEK detainees: they may yet be useful to us.';
    await openTalks(cast.page('state'), TITLE, 'Clearance');
    const d1 = sp.getByRole('listitem', { name: 'Draft d1' });
    await expect(d1).toContainText(words(VETOED), { timeout: 30_000 });
    await d1.getByLabel('Reason for your verdict on draft d1').fill(reason);
    await shot(sp, 'talks-clearance-principal');
    await d1.getByRole('button', { name: 'Veto draft d1' }).click();
    await expect(d1).toContainText('State vetoed');

    // The envoy sees who blocks and why.
    await part(wp, 'Clearance');
    const wd1 = wp.getByRole('listitem', { name: 'Draft d1' });
    await expect(wd1).toContainText('Blocked by State', { timeout: 30_000 });
    await expect(wd1).toContainText(reason);
    await shot(wp, 'talks-clearance-envoy');

    // 3. A revised draft, approved: it goes to the table.
    await part(wp, 'Package builder');
    await pick(wp, REVISED);
    await wp.getByLabel('Revises the blocked draft').selectOption('d1');
    await wp.getByRole('listitem').filter({ hasText: words(P1) }).getByRole('button', { name: /^Counter offer/ }).click();
    await expect(wp.getByRole('list', { name: 'Our drafts at home' })).toContainText('Draft d2 (counter)');
    const d2 = sp.getByRole('listitem', { name: 'Draft d2' });
    await expect(d2).toBeVisible({ timeout: 30_000 });
    await d2.getByLabel('Reason for your verdict on draft d2').fill('The assurances are acceptable.');
    await d2.getByRole('button', { name: 'Approve draft d2' }).click();
    await expect(d2).toContainText('State approved');

    // 4. Iran accepts the US counter, seeing the package it accepts.
    const counter = rp.getByRole('listitem').filter({ hasText: words(REVISED) });
    await expect(counter).toBeVisible({ timeout: 60_000 });
    await counter.getByRole('button', { name: /^Accept offer/ }).click();
    await expect(rp.getByRole('region', { name: 'Acceptance' })).toContainText(words(REVISED));
    await rp.getByRole('button', { name: 'Confirm the acceptance' }).click();
    await expect(rp.getByText('Agreed ad referendum')).toBeVisible({ timeout: 60_000 });

    // 5. Ratification: the US's is cleared at home first.
    await expect(wp.getByText('Agreed ad referendum')).toBeVisible({ timeout: 60_000 });
    await wp.getByRole('button', { name: 'Ratify the agreement' }).click();
    const d3 = sp.getByRole('listitem', { name: 'Draft d3' });
    await expect(d3).toBeVisible({ timeout: 30_000 });
    await d3.getByRole('button', { name: 'Approve draft d3' }).click();
    await rp.getByRole('button', { name: 'Ratify the agreement' }).click();
    await expect(wp.locator('.phase')).toContainText(/ratified/i, { timeout: 60_000 });

    // 6. The record: intact, exported as a download.
    await part(wp, 'Record');
    await wp.getByRole('button', { name: 'Verify the record' }).click();
    await expect(wp.getByRole('status').filter({ hasText: 'The record is intact' })).toBeVisible();
    await wp.getByRole('button', { name: 'Export as Markdown' }).click();
    const download = wp.waitForEvent('download');
    await wp.getByRole('link', { name: /^Download .*\.md$/ }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('geneva-record.md');
    const text = readFileSync((await file.path())!, 'utf8');
    expect(text).toContain(TITLE);
    expect(text).toMatch(/ratified/i);
    await shot(wp, 'talks-record');

    // Scenario 2: the envoy's chart is the opponent model's estimate.
    await part(wp, 'Chart');
    await chartMatches(wp, w, 'estimated');
    await shot(wp, 'talks-chart-envoy');
    await accessible(wp, 'chart (envoy)');
    // The profiles shared, the mediator's chart is exact.
    for (const d of [wp, rp]) {
      await part(d, "Mediator's desk");
      await d.getByRole('button', { name: 'Share my profile with the mediator' }).click();
      await expect(d.getByRole('button', { name: 'Share my profile with the mediator' })).toHaveCount(0);
    }
    await openTalks(cast.page('benali'), TITLE, 'Chart');
    await chartMatches(mp, m, 'exact');
    await shot(mp, 'talks-chart-mediator');
    await accessible(mp, 'chart (mediator)');
  } finally {
    await cast.stop();
  }
});
