/** The kit moved to testing/ (imported as 'tabmesh/testing'); this path keeps older specs working. */
export { BROWSER_PROCESSES, expect, test, type MeshFactory } from '../testing/index.ts';
