/**
 * tabmesh/testing: the partition-testing kit. Playwright fixtures that start a tabmesh server
 * and open meshes of real tabs across browser processes and engines; node handles over
 * window.tabmesh; partitions, crashes and restarts; a convergence checker that says which
 * nodes differ and how; and a seeded nemesis. README.md, "Testing with the tabmesh kit".
 */
export { BROWSER_PROCESSES, expect, test, type EnginePool, type MeshFactory } from './fixtures.ts';
export { Mesh, type MeshOptions } from './mesh.ts';
export { TabNode } from './tab-node.ts';
export { History, describeWrite, type NodeState, type Write } from './history.ts';
export { causalViolations, divergence, violations } from './checker.ts';
export { describeChoice, discover, type BrowserChoice, type Engine } from './browsers.ts';
export { CHROMIUM_ARGS, launchBrowser, closeBrowser } from './launch.ts';
export { describeFault, planNemesis, type Fault, type NemesisStep } from './nemesis.ts';
export { runNemesis, type NemesisRunOptions, type NemesisRunReport } from './nemesis-run.ts';
