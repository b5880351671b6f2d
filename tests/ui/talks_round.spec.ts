// Issue 18, scenarios 1, 2 and 4: a talks round played in the browser by two
// envoys, a principal at home and the mediator with the mouse (the round in
// talks_round_play.ts; talks_keyboard.spec.ts plays it keyboard-only). Then
// the chart: its marks equal the core's analysis as the CLI prints it beside
// the running app (`talks analysis --json`), titled "estimated" for an envoy
// and "exact" for the mediator once the profiles are shared. axe-core on the
// populated room, builder and chart; screenshots of each view; the Propose →
// shown figures.
import { type Locator, type Page, expect, test } from '@playwright/test';
import { accessible, mouse, shot } from './steps';
import { bc, openTalks } from './talks_fixture';
import { TITLE, genevaCast, part, playRound } from './talks_round_play';

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
  const cast = await genevaCast(browser, mouse);
  try {
    await playRound(cast, true);
    const W = cast.page('whitfield');
    const wp = W.page;
    const mp = cast.page('benali').page;

    // Scenario 2: the envoy's chart is the opponent model's estimate.
    await part(W, 'Chart');
    await chartMatches(wp, cast.get('whitfield').home, 'estimated');
    await shot(wp, 'talks-chart-envoy');
    await accessible(wp, 'chart (envoy)');
    // The profiles shared, the mediator's chart is exact.
    for (const d of [W, cast.page('rahimi')]) {
      await part(d, "Mediator's desk");
      await d.page.getByRole('button', { name: 'Share my profile with the mediator' }).click();
      await expect(d.page.getByRole('button', { name: 'Share my profile with the mediator' })).toHaveCount(0);
    }
    await openTalks(cast.page('benali'), TITLE, 'Chart');
    await chartMatches(mp, cast.get('benali').home, 'exact');
    await shot(mp, 'talks-chart-mediator');
    await accessible(mp, 'chart (mediator)');
  } finally {
    await cast.stop();
  }
});
