import type { Locator, Page } from 'playwright-core';

/** The Journeys view's timeline, by its accessible name. */
export const timelineOf = (page: Page): Locator => page.getByRole('figure', { name: 'Session timeline' });

export interface ShownBar {
  id: number;
  /** The date of the row the bar is on. */
  date: string;
  /** Its event ticks. */
  ticks: number;
}

/** The session bars on the timeline, in document order (date by date, in time order). */
export async function shownBars(page: Page): Promise<ShownBar[]> {
  return timelineOf(page)
    .getByRole('button', { name: /^Session \d+$/ })
    .evaluateAll((buttons) =>
      buttons.map((button) => {
        const id = Number(button.getAttribute('aria-label')!.slice('Session '.length));
        const row = button.closest('[role=group]');
        const ticks = button.parentElement?.querySelector(`[role=group][aria-label="Events of session ${id}"]`);
        return { id, date: (row?.getAttribute('aria-label') ?? '').slice(0, 10), ticks: ticks?.querySelectorAll('[role=img]').length ?? -1 };
      }),
    );
}
