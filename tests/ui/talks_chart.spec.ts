// Issue 18, scenario 3 and the chart's speed: a three-side talks shows the
// mediator every pairwise projection; the time to draw the chart (from
// asking the core to the last projection in the page, as the page measures
// it with performance marks and shows it) for Travel (188,160 outcomes,
// GENIUS XML) and for a 10^20-outcome domain (20 issues of 10 options).
import { type Page, expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure } from './harness';
import { accessible, shot } from './steps';
import { Cast, bc, openTalks } from './talks_fixture';

const TRAVEL = join('..', '..', '..', 'shared', 'domains', 'Travel');

// A native domain of ISSUES issues with OPTIONS options each, and a profile
// on it (test data only: equal weights, option k worth k/(OPTIONS-1), or the
// reverse, so the sides' interests oppose).
function domain(name: string, issues: number, options: number): string {
  const list = [];
  for (let i = 0; i < issues; i++) {
    list.push({ name: `i${i}`, kind: 'discrete', options: Array.from({ length: options }, (_, k) => `o${k}`), divisible: false });
  }
  return JSON.stringify({ format: 'backchannel.domain', version: 1, name, issues: list });
}

function profile(name: string, issues: number, options: number, flip: (i: number) => boolean): string {
  const list = [];
  for (let i = 0; i < issues; i++) {
    const ev: Record<string, number> = {};
    for (let k = 0; k < options; k++) ev[`o${k}`] = (flip(i) ? options - 1 - k : k) / (options - 1);
    list.push({ issue: `i${i}`, weight: (i + 1) / ((issues * (issues + 1)) / 2), evaluations: ev });
  }
  return JSON.stringify({ format: 'backchannel.profile', version: 1, name, domain: name, reservation: 0.3, issues: list });
}

async function drawTime(page: Page): Promise<string> {
  const shown = page.locator('[data-draw-ms]');
  await expect(shown).toBeVisible({ timeout: 120_000 });
  const total = await shown.getAttribute('data-draw-ms');
  const core = await shown.getAttribute('data-analysis-ms');
  // The app's split of that answer (its Server-Timing): waiting for the
  // worker (a relay listen to end) and computing.
  const wait = await shown.getAttribute('data-wait-ms');
  const run = await shown.getAttribute('data-run-ms');
  expect(Number(run)).toBeGreaterThanOrEqual(0);
  expect(Number(wait)).toBeGreaterThanOrEqual(0);
  expect(wait).not.toBeNull();
  return `${total} ms (of which the core's talks.analysis answer ${core} ms: ${run} ms computing, ${wait} ms waiting for the app's worker)`;
}

test('three sides: pairwise projections; the chart drawn for Travel and a 10^20-outcome domain', async ({ browser }) => {
  test.setTimeout(420_000);
  const cast = new Cast();
  await cast.start();
  try {
    const sides = ['North', 'South', 'East'];
    for (const s of [...sides, 'United Nations']) cast.authority(s);
    cast.person('benali', 'Mr. Benali', 'United Nations', 'mediator');
    const envoys = ['north', 'south', 'east'];
    envoys.forEach((e, k) => cast.person(e, `Envoy ${sides[k]}`, sides[k], 'envoy'));
    for (const e of envoys) cast.meet('benali', e);
    cast.meet('north', 'south');
    cast.meet('north', 'east');
    cast.meet('south', 'east');
    const m = cast.get('benali').home;

    // talks id, title, sides, domain file, a profile file per side.
    const talks: [string, string, string[], string, string[]][] = [];
    const small = cast.file('trio.json', domain('trio', 3, 3));
    talks.push([
      'trio',
      'Three-way water talks',
      sides,
      small,
      [0, 1, 2].map((k) => cast.file(`trio${k}.json`, profile('trio', 3, 3, (i) => (i + k) % 3 === 0))),
    ]);
    const huge = cast.file('huge.json', domain('huge', 20, 10));
    talks.push([
      'huge',
      'A 10^20-outcome agenda',
      sides.slice(0, 2),
      huge,
      [0, 1].map((k) => cast.file(`huge${k}.json`, profile('huge', 20, 10, () => k === 1))),
    ]);
    const travel = existsSync(join(TRAVEL, 'travel_domain.xml'));
    if (travel) {
      talks.push([
        'travel',
        'Travel',
        sides.slice(0, 2),
        join(TRAVEL, 'travel_domain.xml'),
        [join(TRAVEL, 'travel_chox.xml'), join(TRAVEL, 'travel_fanny.xml')],
      ]);
    }
    for (const [id, title, on, file, profiles] of talks) {
      bc(m, ['talks', 'create', id, '--title', title, '--agenda', file, ...on.flatMap((s) => ['--side', s])]);
      on.forEach((_, k) => bc(m, ['talks', 'invite', id, `Envoy ${sides[k]}`, '--role', 'envoy']));
      on.forEach((_, k) => {
        const home = cast.get(envoys[k]).home;
        bc(home, ['talks', 'join', id, '--profile', profiles[k]]);
      });
      cast.sync('benali', ...envoys);
      on.forEach((_, k) => bc(cast.get(envoys[k]).home, ['talks', 'share-profile', id]));
    }
    // A two-side talks North is invited to and has not joined: North
    // edits a profile in the page before joining.
    bc(m, ['talks', 'create', 'side', '--title', 'Side channel', '--agenda', small, '--side', sides[0], '--side', sides[1]]);
    bc(m, ['talks', 'invite', 'side', 'Envoy North', '--role', 'envoy']);
    cast.sync('benali', ...envoys, 'benali');
    expect(readFileSync(small, 'utf8')).toContain('backchannel.domain');

    await cast.open(browser, 'benali', 'north');
    const mp = cast.page('benali').page;
    const np = cast.page('north').page;

    // Three sides, every profile shared: three exact projections.
    await openTalks(cast.page('benali'), 'Three-way water talks', 'Chart');
    await expect(mp.getByRole('heading', { name: 'Outcome space — exact' })).toBeVisible({ timeout: 60_000 });
    for (const pair of ['0,1', '0,2', '1,2']) {
      await expect(mp.locator(`figure[data-pair="${pair}"] svg`)).toBeVisible();
      expect(await mp.locator(`figure[data-pair="${pair}"] [data-kind="frontier"]`).count()).toBeGreaterThan(0);
    }
    await expect(mp.locator('figure[data-pair]')).toHaveCount(3);
    await shot(mp, 'talks-chart-three-sides');
    await accessible(mp, 'chart (three sides)');

    await openTalks(cast.page('benali'), 'A 10^20-outcome agenda', 'Chart');
    await expect(mp.getByText(/^100000000000000000000 possible packages/)).toBeVisible({ timeout: 120_000 });
    figure('chart drawn, 10^20-outcome domain (ask the core → last projection in the page)', await drawTime(mp));
    await shot(mp, 'talks-chart-huge');

    if (travel) {
      await openTalks(cast.page('benali'), 'Travel', 'Chart');
      await expect(mp.getByText(/^188160 possible packages/)).toBeVisible({ timeout: 120_000 });
      figure('chart drawn, Travel 188,160 outcomes (ask the core → last projection in the page)', await drawTime(mp));
      await shot(mp, 'talks-chart-travel');
    } else {
      console.log(`SKIPPED the Travel figure: ${TRAVEL} is not there`);
    }

    // The profile edited before joining: the core composes and normalises
    // it (weights 1, 1, 2 become 0.25, 0.25, 0.5), then the join sends it.
    await openTalks(cast.page('north'), 'Side channel');
    const editor = np.getByRole('form', { name: 'Your profile before joining' });
    for (const [k, w] of ['1', '1', '2'].entries()) {
      await editor.getByLabel(`Weight of i${k}`, { exact: true }).fill(w);
      for (const o of [0, 1, 2]) await editor.getByLabel(`Value of o${o} (i${k})`, { exact: true }).fill(String(o / 2));
    }
    await editor.getByLabel('Walk-away point (reservation)').fill('0.4');
    await editor.getByRole('button', { name: 'Check and compose my profile' }).click();
    await expect(editor.getByText('Profile ready: the core checked and normalised it.')).toBeVisible();
    await shot(np, 'talks-profile-editor');
    await editor.getByRole('button', { name: 'Join the talks' }).click();
    await expect(editor).toHaveCount(0, { timeout: 30_000 });
    await expect(np.getByRole('row', { name: /^i2 0\.500 o0 \(0\.000\), o1 \(0\.500\), o2 \(1\.000\)$/ })).toBeVisible();
    await expect(np.getByText('Your walk-away point: 0.400')).toBeVisible();

    // The mediator at the three-side table: words in a caucus scope, a
    // suspension (the banner on the envoy's page too) and its resumption,
    // a suggestion with a condition he guarantees himself, confirmed met.
    await openTalks(cast.page('benali'), 'Three-way water talks');
    const say = mp.getByRole('form', { name: 'Speak in the talks' });
    await say.getByLabel('Scope').selectOption({ label: 'Caucus with South' });
    await say.getByLabel('Words').fill('Would the South consider a seasonal quota?');
    await say.getByRole('button', { name: 'Say' }).click();
    const timeline = mp.getByRole('log', { name: 'Timeline' });
    await expect(timeline.getByRole('listitem').filter({ hasText: 'Would the South consider a seasonal quota?' })).toContainText(
      'caucus with South',
      { timeout: 30_000 },
    );
    await mp.getByRole('navigation', { name: 'Talks parts' }).getByRole('button', { name: "Mediator's desk", exact: true }).click();
    await mp.getByLabel('Reason for suspending').fill('Consultations in the capitals.');
    await mp.getByRole('button', { name: 'Suspend the talks' }).click();
    const banner = mp.getByRole('status').filter({ hasText: 'The talks are suspended' });
    await expect(banner).toContainText('Consultations in the capitals.', { timeout: 30_000 });
    await openTalks(cast.page('north'), 'Three-way water talks');
    await expect(np.getByRole('status').filter({ hasText: 'The talks are suspended' })).toContainText('Consultations in the capitals.', {
      timeout: 30_000,
    });
    await shot(np, 'talks-suspended');
    await mp.getByRole('button', { name: 'Resume the talks' }).click();
    await expect(banner).toHaveCount(0, { timeout: 30_000 });
    await expect(np.getByRole('status').filter({ hasText: 'The talks are suspended' })).toHaveCount(0, { timeout: 30_000 });

    const suggest = mp.getByRole('form', { name: 'Suggest a package' });
    await suggest.getByLabel('Solution').selectOption('nash');
    await suggest.getByLabel('Conditions, one a line (TEXT@GUARANTOR)').fill('Monitoring stations in place@Mr. Benali');
    await suggest.getByRole('button', { name: 'Suggest a package' }).click();
    const c1 = mp.getByRole('listitem', { name: 'Condition c1' });
    await expect(c1).toContainText('Monitoring stations in place', { timeout: 30_000 });
    await expect(c1).toContainText('pending');
    await c1.getByLabel('Note on condition c1').fill('Seen by the UN team on site.');
    await c1.getByRole('button', { name: 'Condition c1 met' }).click();
    await expect(c1).toContainText('met', { timeout: 30_000 });
    await expect(c1).toContainText('Seen by the UN team on site.');
    await shot(mp, 'talks-desk-condition');
    await accessible(mp, "mediator's desk");
  } finally {
    await cast.stop();
  }
});
