// Scenario 2 of issue 17: a contact request vouched for by an authority I do
// not trust waits, with what to do; trusting that authority lets it through.
import { expect, test } from '@playwright/test';
import {
  accept,
  accessible,
  createHome,
  identityKey,
  importCredential,
  invitationCode,
  mouse,
  shot,
  tab,
  trustAuthority,
  twoParties,
} from './steps';

test('a request from an untrusted authority goes through once its authority is trusted', async ({ browser }) => {
  await twoParties([['usa', 'United States'], ['un', 'United Nations']], ['envoy', 'mediator'], async (s) => {
    const { relay } = s;
    const [usa, un] = s.authorities;
    const [envoyApp, mediatorApp] = s.apps;
    const e = mouse(await (await browser.newContext()).newPage());
    const m = mouse(await (await browser.newContext()).newPage());
    await e.page.goto(envoyApp.url);
    await createHome(e, 'Whitfield', relay.address, relay.pin);
    await importCredential(e, usa.issue(await identityKey(e), 'Amb. Whitfield', 'envoy', 'e.cred'));
    await trustAuthority(e, usa.key, 'US ministry', 'United States');
    await m.page.goto(mediatorApp.url);
    await createHome(m, 'Benali', relay.address, relay.pin);
    await importCredential(m, un.issue(await identityKey(m), 'Mr. Benali', 'mediator', 'm.cred'));
    // The mediator knows the envoy's ministry; the envoy does not know the UN's.
    await trustAuthority(m, un.key, 'UN', 'United Nations');
    await trustAuthority(m, usa.key, 'US ministry', 'United States');

    await accept(m, await invitationCode(e));

    await tab(e, 'Authorities');
    const waiting = e.page.getByRole('list', { name: 'Waiting requests' }).getByRole('listitem');
    await expect(waiting.filter({ hasText: 'Mr. Benali' })).toBeVisible({ timeout: 30_000 });
    await shot(e.page, 'pending');
    await accessible(e.page, 'pending requests');
    await e.page.getByRole('button', { name: 'Trust the authority of Mr. Benali' }).click();
    const form = e.page.getByRole('form', { name: 'Trust the authority of Mr. Benali' });
    // The key comes from the request itself (what the page was given).
    await expect(form.getByLabel('Authority key')).toHaveValue(/\S{20,}/);
    await form.getByLabel('Label').fill('UN');
    await form.getByLabel('Sides it may vouch for').fill('United Nations');
    await form.getByRole('button', { name: 'Trust this authority' }).click();
    await expect(e.page.getByText('No request is waiting.')).toBeVisible({ timeout: 30_000 });
    await tab(e, 'Contacts');
    await expect(e.page.getByRole('button', { name: 'Talk to Mr. Benali' })).toBeVisible({ timeout: 30_000 });
  });
});
