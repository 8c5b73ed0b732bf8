import { mount } from 'svelte';
import App from './App.svelte';
import type { NodeViewSource } from './view-source.ts';

/**
 * The page: Svelte and every view. main.ts imports this module only when the page is to mount
 * (mount-gate.ts), so a joining tab compiles and runs the node alone, and the views a moment
 * later, once its room has formed: on 2 busy cores, compiling the whole bundle first put a
 * tab's join 0.1–0.3 s behind y-webrtc's (bench:mesh).
 */
export function mountPage(target: HTMLElement, source: NodeViewSource): void {
  target.replaceChildren();
  mount(App, { target, props: { source } });
}
