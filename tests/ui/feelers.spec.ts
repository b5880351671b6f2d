// Issue 15's feelers in the app (issue 18): two envoys' homes and the real
// relay; each sends a feeler from the conversation, with one topic in common
// (typed differently: the core normalises) and one of their own. Only the
// shared topic shows, on both pages, live (the `feeler` event); neither
// page's DOM ever holds the other side's unshared topic (every text and
// attribute the page ever showed is recorded from the first paint on). Then
// the blind overlap check: "at least 1234567" against "at most 7654321" on a label,
// answered yes on both pages; the budget as the core counts it; forget.
import { type Page, expect, test } from '@playwright/test';
import { figure } from './harness';
import { accessible, openConversation, shot } from './steps';
import { Cast } from './talks_fixture';

// Records, from before the page's own script runs, every text node and
// attribute value that ever enters the DOM (a topic shown for a moment and
// re-rendered away would still be caught).
const RECORD_DOM = `
  window.__seen = [];
  const note = (n) => {
    if (n.nodeType === Node.TEXT_NODE) { window.__seen.push(n.data); return; }
    if (n.nodeType !== Node.ELEMENT_NODE) return;
    window.__seen.push(n.textContent || '');
    for (const a of n.attributes) window.__seen.push(a.value);
    if ('value' in n) window.__seen.push(String(n.value));
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') note(r.target);
      if (r.type === 'attributes') note(r.target);
      r.addedNodes.forEach(note);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
`;

async function everSeen(page: Page): Promise<string> {
  const seen = (await page.evaluate('window.__seen.join("\\n")')) as string;
  return `${seen}\n${await page.content()}`;
}

async function sendFeeler(page: Page, topics: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Send a feeler' });
  await form.getByLabel('Topics you would discuss').fill(topics);
  await form.getByRole('button', { name: 'Send feeler' }).click();
  await expect(form.getByLabel('Topics you would discuss')).toHaveValue('', { timeout: 30_000 });
}

async function overlap(page: Page, label: string, side: 'at least' | 'at most', value: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Blind overlap check' });
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('Unit').fill('million euros');
  await form.getByRole('radio', { name: side }).check();
  await form.getByLabel('Value').fill(value);
  await form.getByRole('button', { name: 'Send the check' }).click();
  await expect(form.getByLabel('Value')).toHaveValue('', { timeout: 30_000 });
}

test('feelers: only the shared topic shows on both pages; the blind overlap check; forget', async ({ browser }) => {
  test.setTimeout(300_000);
  const cast = new Cast();
  await cast.start();
  try {
    cast.authority('United States');
    cast.authority('Iran');
    cast.person('whitfield', 'Amb. Whitfield', 'United States', 'envoy');
    cast.person('rahimi', 'Amb. Rahimi', 'Iran', 'envoy');
    cast.meet('whitfield', 'rahimi');
    await cast.open(browser, 'whitfield', 'rahimi');
    const w = cast.page('whitfield');
    const r = cast.page('rahimi');
    // Recording starts on a fresh load, before any feeler view renders.
    for (const d of [w, r]) {
      await d.page.addInitScript(RECORD_DOM);
      await d.page.reload();
    }
    await openConversation(w, 'Amb. Rahimi');
    await openConversation(r, 'Amb. Whitfield');
    const wFeelers = w.page.getByRole('list', { name: 'Feelers with Amb. Rahimi' });
    const rFeelers = r.page.getByRole('list', { name: 'Feelers with Amb. Whitfield' });
    await expect(w.page.getByRole('status', { name: 'Feeler budget' })).toHaveText(/Budget: \d+ of \d+ exchanges left today/);
    const budgetBefore = await w.page.getByRole('status', { name: 'Feeler budget' }).textContent();

    // Whitfield first: pending at home, "they sent a feeler" at Rahimi's
    // (without a topic: nothing is revealed before Rahimi chooses his own).
    const t0 = Date.now();
    await sendFeeler(w.page, 'Sanctions relief\nprisoner exchange');
    await expect(wFeelers.getByText('Pending: waiting for their topics.')).toBeVisible();
    await expect(rFeelers.getByText(/They sent a feeler/)).toBeVisible({ timeout: 30_000 });
    await expect(w.page.getByRole('status', { name: 'Feeler budget' })).not.toHaveText(budgetBefore ?? '');
    await shot(w.page, 'feelers-pending');
    await accessible(r.page, 'feelers (an incoming feeler)');

    // Rahimi answers with his own topics: the shared one typed otherwise.
    await sendFeeler(r.page, '  SANCTIONS   Relief \nnuclear enrichment cap');
    await expect(wFeelers.getByRole('list', { name: 'Matched topics' })).toHaveText('sanctions relief', { timeout: 30_000 });
    await expect(rFeelers.getByRole('list', { name: 'Matched topics' })).toHaveText('sanctions relief', { timeout: 30_000 });
    figure('feeler matched on both pages (first send → both pages show the match)', `${Date.now() - t0} ms`);
    await shot(w.page, 'feelers-matched');
    await accessible(w.page, 'feelers (matched)');

    // The unshared topics: each stays on its own page and never reached the
    // other's.
    const wSeen = await everSeen(w.page);
    const rSeen = await everSeen(r.page);
    expect(wSeen).toContain('prisoner exchange');
    expect(rSeen).toContain('nuclear enrichment cap');
    expect(wSeen.toLowerCase()).not.toContain('nuclear enrichment');
    expect(rSeen.toLowerCase()).not.toContain('prisoner exchange');
    expect(rSeen.toLowerCase()).not.toContain('prisoner');

    // The blind overlap check: 1234567 ≤ 7654321, both learn only "yes".
    await overlap(w.page, 'reconstruction fund', 'at least', '1234567');
    await expect(wFeelers.getByText(/You said at least 1234567 million euros on “reconstruction fund”. Pending/)).toBeVisible();
    await expect(rFeelers.getByText(/They asked for a blind overlap check/)).toBeVisible({ timeout: 30_000 });
    await overlap(r.page, 'reconstruction fund', 'at most', '7654321');
    for (const list of [wFeelers, rFeelers]) {
      await expect(list.locator('[data-overlap="yes"]')).toHaveText('Yes: the positions overlap.', { timeout: 30_000 });
    }
    expect((await everSeen(r.page)).includes('1234567')).toBe(false);
    expect((await everSeen(w.page)).includes('7654321')).toBe(false);
    await shot(r.page, 'feelers-overlap');

    // A second check on the same label with another value is refused by the
    // core, with its words, and changes nothing.
    const form = w.page.getByRole('form', { name: 'Blind overlap check' });
    await form.getByLabel('Label').fill('reconstruction fund');
    await form.getByRole('radio', { name: 'at least' }).check();
    await form.getByLabel('Value').fill('1000000');
    await form.getByRole('button', { name: 'Send the check' }).click();
    await expect(form.getByRole('alert')).toBeVisible({ timeout: 30_000 });
    await expect(form.getByLabel('Value')).toHaveValue('1000000');
    await expect(wFeelers.locator('li[data-kind="overlap"]')).toHaveCount(1);

    // Forget: the exchange leaves Whitfield's page (and only his).
    const feeler = wFeelers.locator('li[data-kind="feeler"]');
    const id = (await feeler.getAttribute('data-feeler'))!.slice(0, 8);
    await w.page.getByRole('button', { name: `Forget feeler ${id}` }).click();
    await expect(w.page.getByRole('status', { name: 'Feeler outcome' })).toHaveText('Forgotten: 1 exchange.');
    await expect(wFeelers.locator('li[data-kind="feeler"]')).toHaveCount(0);
    await expect(rFeelers.locator('li[data-kind="feeler"]')).toHaveCount(1);
  } finally {
    await cast.stop();
  }
});
