/**
 * The demo organisation's alarm rules (issue 14), set through the public API when a demo branch
 * still has only the rule every branch starts with: the simulator posts detections of 40
 * random people at 5 a second, and "any person is an alarm" would bury the console in alarms
 * within a minute. So in the demo every detection is an event (feed, counts, reports), and
 * alarms come from what a control room configures:
 *
 * - the default "Any person" rule turned off (kept, so an admin can turn it back on);
 * - "Watchlist" (critical, cooldown 10 min per camera and person) with one demo person on the
 *   watchlist: a critical alarm every few minutes, with its siren;
 * - "Camera offline" (high) after 60 s: cut a camera from the simulator to see it.
 *
 * A branch whose rules were touched (more than one, or the default edited) is left alone, so a
 * second run, or an admin's changes, are never overwritten.
 */
import type { AlarmRule, ApiClient, Branch } from '@pantau/shared';
import { personReId } from './detection-poster.js';
import type { SimulatorLogger } from './simulator-logger.js';

/** The demo's watched person (one of the poster's pool of 40). */
export const DEMO_WATCHED_RE_ID = personReId(6);

/** Whether a branch's rules are still the untouched default (one "any person" rule never edited). */
export function untouchedDefault(rules: readonly AlarmRule[]): boolean {
  return (
    rules.length === 1 &&
    rules[0]!.condition.type === 'any_person' &&
    rules[0]!.enabled &&
    rules[0]!.created_at === rules[0]!.updated_at
  );
}

/**
 * Give each demo branch still on the default rule the demo's rules, and put the demo person on
 * the watchlist (once).
 * @returns the ids of the branches that got them
 * @throws PantauError from the API
 */
export async function applyDemoAlarmRules(
  client: ApiClient,
  branches: readonly Branch[],
  logger?: SimulatorLogger,
): Promise<number[]> {
  const done: number[] = [];
  for (const b of branches) {
    const rules = await client.alarmRules({ branch_id: b.id });
    if (!untouchedDefault(rules)) continue;
    // the new rules first, the default off last: a run cut short never leaves a branch with none
    await client.createAlarmRule({
      branch_id: b.id,
      name: 'Watchlist',
      condition: { type: 'watchlist' },
      cooldown_s: 600,
      instructions: 'Call security (ext. 100). Do not approach alone; keep the person on camera.',
    });
    await client.createAlarmRule({
      branch_id: b.id,
      name: 'Camera offline',
      condition: { type: 'camera_offline', value: 60 },
      instructions: 'Check the camera’s power and network; call the installer if it stays offline.',
    });
    await client.updateAlarmRule(rules[0]!.id, { enabled: false });
    done.push(b.id);
  }
  if (done.length > 0) {
    const watched = await client.watchlist();
    if (!watched.some((w) => w.re_id === DEMO_WATCHED_RE_ID))
      await client.putWatchlist(DEMO_WATCHED_RE_ID, { reason: 'Demo: seen taking goods without paying on 1 December' });
    logger?.info(
      { branches: done, watched: DEMO_WATCHED_RE_ID },
      'demo alarm rules: detections are events; alarms from the watchlist and cameras offline',
    );
  }
  return done;
}
