import { parseJsonExport, type JournalExport } from '../../../core/trace-export.ts';
import { buildSpaceTime } from '../trace/space-time-model.ts';
import { EventFocus } from './event-focus.svelte.ts';

/** An offline diagram draws at most this many of the file's events (the newest); the count says all. */
export const MAX_IMPORT_DRAWN = 5000;

/**
 * An exported journal read back and drawn offline. A bad file gets the parser's error, naming
 * the first bad field, and leaves what was drawn before (and the pasted text) as it was.
 */
export class ImportState {
  readonly focus = new EventFocus();
  text = $state('');
  error = $state<string | null>(null);
  loaded = $state.raw<JournalExport | null>(null);

  load(text: string, source: string): void {
    const parsed = parseJsonExport(text);
    if (!parsed.ok) {
      this.error = `${source} was not imported: ${parsed.error.message}`;
      return;
    }
    this.error = null;
    this.focus.hovered = this.focus.selected = null;
    this.loaded = parsed.value;
  }

  async loadFile(file: File): Promise<void> {
    try {
      this.load(await file.text(), file.name);
    } catch (err) {
      this.error = `${file.name} could not be read: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  readonly drawn = $derived(this.loaded ? this.loaded.events.slice(-MAX_IMPORT_DRAWN) : []);
  /** The exporting node's lane first, as it is first in the live diagram it came from. */
  readonly model = $derived(buildSpaceTime(this.drawn, this.loaded ? { lanes: [this.loaded.meta.node] } : {}));
  readonly cone = $derived(this.focus.cone(this.model));
}
