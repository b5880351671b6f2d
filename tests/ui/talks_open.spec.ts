// Issue 18: opening talks from the app, so the whole story can start in the
// browser. The mediator opens talks in his app (id, title, the agenda file,
// the sides); a form the core refuses (a side named twice) says why and
// opens nothing; he invites an envoy from the room; the envoy's app shows
// the talks live, she joins there, and the mediator's room shows her seated.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { accessible, shot, tab } from './steps';
import { Cast, openTalks } from './talks_fixture';

const SCEN = join('..', '..', 'scenarios', 'grand_bargain');
const TITLE = 'Geneva channel';

test('the mediator opens talks and seats an envoy, all in the browser', async ({ browser }) => {
  test.setTimeout(120_000);
  const cast = new Cast();
  await cast.start();
  try {
    for (const side of ['United States', 'United Nations']) cast.authority(side);
    cast.person('benali', 'Mr. Benali', 'United Nations', 'mediator');
    cast.person('whitfield', 'Amb. Whitfield', 'United States', 'envoy');
    cast.meet('benali', 'whitfield');
    await cast.open(browser, 'benali', 'whitfield');
    const mp = cast.page('benali').page;
    const wp = cast.page('whitfield').page;

    await tab(cast.page('benali'), 'Talks');
    await mp.getByRole('button', { name: 'Open new talks' }).click();
    const form = mp.getByRole('form', { name: 'Open new talks' });
    await form.getByLabel(/^Talks id/).fill('geneva');
    await form.getByLabel('Title', { exact: true }).fill(TITLE);
    await form.getByLabel(/^Agenda/).setInputFiles(join(SCEN, 'agenda.json'));
    await expect(form).toContainText('Read agenda.json.');
    await form.getByLabel('Sides, one a line').fill('United States\nUnited States');
    await form.getByRole('button', { name: 'Open the talks' }).click();
    await expect(form.getByRole('alert')).toContainText("side 'United States' twice");
    await expect(mp.getByRole('navigation', { name: 'Talks', exact: true }).getByRole('button', { name: TITLE })).toHaveCount(0);
    await accessible(mp, 'open new talks');

    await form.getByLabel('Sides, one a line').fill('United States\nIran');
    await form.getByRole('button', { name: 'Open the talks' }).click();
    await expect(mp.getByRole('heading', { name: TITLE, level: 2 })).toBeVisible();
    await expect(mp.getByText('You: Mr. Benali (mediator')).toBeVisible();

    const invite = mp.getByRole('form', { name: 'Invite to the table' });
    await invite.getByLabel('Contact', { exact: true }).selectOption('Amb. Whitfield');
    await invite.getByLabel('Role', { exact: true }).selectOption('envoy');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await expect(invite.getByRole('status')).toContainText('Amb. Whitfield is invited as envoy.');
    await shot(mp, 'talks-open-invite');
    await accessible(mp, 'room with the invite form');

    // Her app receives the invitation live; she joins in the browser.
    await openTalks(cast.page('whitfield'), TITLE);
    await wp.getByRole('button', { name: 'Join the talks' }).click();
    await expect(wp.getByText('You: Amb. Whitfield (envoy, United States)')).toBeVisible();
    await expect(mp.locator('ul.members')).toContainText('Amb. Whitfield — envoy, United States', { timeout: 15_000 });
  } finally {
    await cast.stop();
  }
});
