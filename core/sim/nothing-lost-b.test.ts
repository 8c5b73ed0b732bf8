import { nothingLostSuite } from './nothing-lost.ts';

// Seeds 51..100 of the 200 acceptance seeds (see nothing-lost.ts).
nothingLostSuite(51, 50);
