// Issue 18, scenario 4's second half: the talks round of scenario 1 played
// with the keyboard only — every control reached with Tab from where the
// focus is, pressed with Enter, options stepped with the arrow keys, text
// typed into the focused field; no click and no fill. The round checks that
// the panels it opens (the acceptance, the download) take the focus. The
// mouse run (talks_round.spec.ts) carries the figures, screenshots and axe.
import { test } from '@playwright/test';
import { keyboard } from './steps';
import { genevaCast, playRound } from './talks_round_play';

test('the talks round with the keyboard only', async ({ browser }) => {
  test.setTimeout(420_000);
  const cast = await genevaCast(browser, keyboard);
  try {
    await playRound(cast, false);
  } finally {
    await cast.stop();
  }
});
