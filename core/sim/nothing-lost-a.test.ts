import { nothingLostSuite } from './nothing-lost.ts';

// Seeds 1..50 of the 200 acceptance seeds (see nothing-lost.ts).
nothingLostSuite(1, 50);
