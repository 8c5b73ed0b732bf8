/** The kit moved to testing/ (imported as 'tabmesh/testing'); this path keeps older specs working. */
export { TabNode } from '../testing/index.ts';
