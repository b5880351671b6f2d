// Issue 18: a guarantor's own seat confirming conditions in the browser. Ms.
// Keller (the ICRC, her own home and her own `backchannel app`) guarantees
// two conditions Iran's proposal carries (built in Amb. Rahimi's app: the
// package builder's conditions field); in her app she sees them pending,
// confirms one met and the other failed with a note, and both envoys' rooms
// (their own apps, live) show the new status and the note. She may confirm
// only her own, once: the buttons are gone after, and an envoy has none.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { accessible, shot } from './steps';
import { Cast, bc, openTalks } from './talks_fixture';

const SCEN = join('..', '..', 'scenarios', 'grand_bargain');
const TITLE = 'Geneva channel';
const P1 =
  'nuclear=capped-inspections, sanctions=full-lifting, prisoners=mek-for-aq-unconditional, ' +
  'armed-groups=hezbollah-to-politics, recognition=discuss-arab-league-plan, designation=no-regime-change';
const C1 = 'transfer supervised by the ICRC';
const C2 = 'the detainees examined by ICRC doctors first';

test('a guarantor confirms conditions in her own app; the envoys see it', async ({ browser }) => {
  test.setTimeout(300_000);
  const cast = new Cast();
  await cast.start();
  try {
    for (const side of ['United States', 'Iran', 'United Nations', 'ICRC']) cast.authority(side);
    cast.person('benali', 'Mr. Benali', 'United Nations', 'mediator');
    cast.person('whitfield', 'Amb. Whitfield', 'United States', 'envoy');
    cast.person('rahimi', 'Amb. Rahimi', 'Iran', 'envoy');
    cast.person('keller', 'Ms. Keller', 'ICRC', 'mediator');
    for (const [a, b] of [
      ['benali', 'whitfield'],
      ['benali', 'rahimi'],
      ['whitfield', 'rahimi'],
      ['keller', 'benali'],
      ['keller', 'whitfield'],
      ['keller', 'rahimi'],
    ]) {
      cast.meet(a, b);
    }
    const m = cast.get('benali').home;
    bc(m, ['talks', 'create', 'geneva', '--title', TITLE, '--agenda', join(SCEN, 'agenda.json'), '--side', 'United States', '--side', 'Iran']);
    bc(m, ['talks', 'invite', 'geneva', 'Amb. Whitfield', '--role', 'envoy']);
    bc(m, ['talks', 'invite', 'geneva', 'Amb. Rahimi', '--role', 'envoy']);
    bc(m, ['talks', 'invite', 'geneva', 'Ms. Keller', '--role', 'guarantor']);
    bc(cast.get('whitfield').home, ['talks', 'join', 'geneva', '--profile', join(SCEN, 'us.profile.json')]);
    bc(cast.get('rahimi').home, ['talks', 'join', 'geneva', '--profile', join(SCEN, 'iran.profile.json')]);
    bc(cast.get('keller').home, ['talks', 'join', 'geneva']);
    cast.sync('benali', 'whitfield', 'rahimi', 'keller', 'benali');
    await cast.open(browser, 'benali', 'whitfield', 'rahimi', 'keller');
    const kp = cast.page('keller').page;
    const wp = cast.page('whitfield').page;
    const rp = cast.page('rahimi').page;
    // Iran's proposal, built in Amb. Rahimi's app, carries the two
    // conditions, Ms. Keller their guarantor.
    await openTalks(cast.page('rahimi'), TITLE, 'Package builder');
    for (const item of P1.split(', ')) {
      const [issue, option] = item.split('=');
      await rp.getByLabel(`Option for ${issue}`, { exact: true }).selectOption(option);
    }
    await rp.getByLabel(/^Conditions the package carries/).fill(`${C1}@Ms. Keller\n${C2}@Ms. Keller`);
    await rp.getByRole('button', { name: 'Propose this package' }).click();
    const offer = wp.getByRole('listitem', { name: 'Offer 1' });
    await openTalks(cast.page('whitfield'), TITLE, 'Package builder');
    await expect(offer).toContainText('Carries conditions c1, c2');
    await openTalks(cast.page('whitfield'), TITLE);
    await openTalks(cast.page('rahimi'), TITLE);
    const inRoom = (page: typeof wp, id: string) =>
      page.getByRole('list', { name: 'Conditions in the room' }).getByRole('listitem').filter({ hasText: `${id}:` });
    for (const page of [wp, rp]) {
      await expect(inRoom(page, 'c1')).toContainText(`${C1} — guarantor Ms. Keller: pending`);
      await expect(inRoom(page, 'c2')).toContainText(`${C2} — guarantor Ms. Keller: pending`);
    }
    // An envoy is not the guarantor: no buttons for it.
    await openTalks(cast.page('whitfield'), TITLE, "Mediator's desk");
    await expect(wp.getByRole('listitem', { name: 'Condition c1' })).toContainText('pending');
    await expect(wp.getByRole('button', { name: /^Condition c\d (met|failed)$/ })).toHaveCount(0);

    // The guarantor, in her own app: both pending, hers to confirm.
    await openTalks(cast.page('keller'), TITLE, "Mediator's desk");
    const c1 = kp.getByRole('listitem', { name: 'Condition c1' });
    const c2 = kp.getByRole('listitem', { name: 'Condition c2' });
    await expect(c1).toContainText(`${C1} — guarantor Ms. Keller: pending`);
    await expect(c2).toContainText('pending');
    // Suspending is an envoy's or the mediator's: not offered to her.
    await expect(kp.getByRole('button', { name: 'Suspend the talks' })).toHaveCount(0);
    await expect(wp.getByRole('button', { name: 'Suspend the talks' })).toBeVisible();
    await shot(kp, 'talks-guarantor');
    await accessible(kp, 'guarantor desk');
    await c1.getByRole('button', { name: 'Condition c1 met' }).click();
    await expect(c1).toContainText('guarantor Ms. Keller: met', { timeout: 30_000 });
    await expect(c1.getByRole('button')).toHaveCount(0);
    const note = 'The doctors were refused access to two of the detainees.';
    await c2.getByLabel('Note on condition c2').fill(note);
    await c2.getByRole('button', { name: 'Condition c2 failed' }).click();
    await expect(c2).toContainText('guarantor Ms. Keller: failed', { timeout: 30_000 });
    await expect(c2).toContainText(note);
    await expect(c2.getByRole('button')).toHaveCount(0);

    // Both envoys' rooms (their own apps, live over the relay) show it.
    await openTalks(cast.page('whitfield'), TITLE);
    for (const page of [wp, rp]) {
      await expect(inRoom(page, 'c1')).toContainText(`${C1} — guarantor Ms. Keller: met`, { timeout: 60_000 });
      await expect(inRoom(page, 'c2')).toContainText(`guarantor Ms. Keller: failed (${note})`, { timeout: 60_000 });
    }
    await shot(rp, 'talks-room-conditions');
  } finally {
    await cast.stop();
  }
});
