import type { Rng } from '../../../core/rng.ts';

/**
 * Friendly display names ("Brave Otter") for tabs opened without ?name=. A classroom reads them
 * aloud, so they are short, unambiguous English words; uniqueness is not needed (ids are unique).
 */
const ADJECTIVES = [
  'Amber', 'Bold', 'Brave', 'Bright', 'Calm', 'Clever', 'Cosy', 'Curious', 'Eager', 'Gentle',
  'Happy', 'Jolly', 'Keen', 'Kind', 'Lively', 'Lucky', 'Merry', 'Nimble', 'Proud', 'Quick',
  'Quiet', 'Rapid', 'Shy', 'Sleepy', 'Steady', 'Sunny', 'Swift', 'Tidy', 'Witty', 'Zesty',
] as const;

const ANIMALS = [
  'Badger', 'Beaver', 'Bison', 'Crane', 'Dolphin', 'Falcon', 'Ferret', 'Finch', 'Fox', 'Gecko',
  'Heron', 'Ibis', 'Koala', 'Lemur', 'Lynx', 'Marmot', 'Newt', 'Otter', 'Owl', 'Panda',
  'Puffin', 'Quail', 'Raven', 'Robin', 'Seal', 'Stoat', 'Tapir', 'Walrus', 'Wombat', 'Yak',
] as const;

export function friendlyName(rng: Rng): string {
  return `${rng.pick(ADJECTIVES)} ${rng.pick(ANIMALS)}`;
}
