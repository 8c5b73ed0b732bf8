import { nothingLostSuite } from './nothing-lost.ts';

// Seeds 101..150 of the 200 acceptance seeds (see nothing-lost.ts).
nothingLostSuite(101, 50);
