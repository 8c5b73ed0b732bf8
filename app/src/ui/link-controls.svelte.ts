import type { FaultDirection } from '../api-types.ts';
import type { FaultSettingsView } from '../view-source.ts';
import { fieldsFromSettings, parseFaultForm, type FaultField, type FaultFieldErrors } from './fault-form.ts';
import type { NodeView } from './node-view.svelte.ts';

/**
 * The fault form of one link. A field shows the live setting until the user edits it, so a
 * change made by a test or an instructor shows up at once, while a half-typed value is never
 * overwritten by the next repaint.
 */
export class LinkControls {
  readonly #view: NodeView;
  readonly peerId: string;
  direction = $state<FaultDirection>('both');
  #drafts = $state<Partial<Record<FaultField, string>>>({});
  fieldErrors = $state.raw<FaultFieldErrors>({});
  actionError = $state<string | null>(null);

  constructor(view: NodeView, peerId: string) {
    this.#view = view;
    this.peerId = peerId;
  }

  /** The settings the form starts from: "both" shows outgoing, the side this node controls first. */
  get shown(): FaultSettingsView {
    const faults = this.#view.faults(this.peerId);
    return this.direction === 'in' ? faults.in : faults.out;
  }

  get dirty(): boolean {
    return Object.keys(this.#drafts).length > 0;
  }

  value(field: FaultField): string {
    return this.#drafts[field] ?? fieldsFromSettings(this.shown)[field];
  }

  edit(field: FaultField, text: string): void {
    this.#drafts[field] = text;
    if (this.fieldErrors[field] !== undefined) this.fieldErrors = { ...this.fieldErrors, [field]: undefined };
    this.actionError = null;
  }

  setDirection(direction: FaultDirection): void {
    this.direction = direction;
    this.#drafts = {};
    this.fieldErrors = {};
    this.actionError = null;
  }

  apply(): void {
    const parsed = parseFaultForm({ ...fieldsFromSettings(this.shown), ...this.#drafts });
    if (!parsed.ok) {
      this.fieldErrors = parsed.errors;
      return;
    }
    this.fieldErrors = {};
    this.actionError = this.#view.act(() => this.#view.api.setFaults(this.peerId, parsed.patch, this.direction));
    if (this.actionError === null) this.#drafts = {};
  }

  cut(): void {
    this.actionError = this.#view.act(() => this.#view.api.setFaults(this.peerId, { cut: true }, this.direction));
  }

  /** Heal is the API's heal: every fault on this link goes, in both directions. */
  heal(): void {
    this.actionError = this.#view.act(() => this.#view.api.heal([this.peerId]));
    if (this.actionError === null) {
      this.#drafts = {};
      this.fieldErrors = {};
    }
  }
}
