import { causalCone, type CausalCone, type PlacedEvent, type SpaceTimeModel } from '../trace/space-time-model.ts';

/**
 * Which event of a diagram the pointer or keyboard is on (hovered), and which one was picked
 * to show its happened-before cones (selected). Keys only: the events themselves are redrawn
 * from the journal, and a key whose event left the diagram simply shows nothing.
 */
export class EventFocus {
  hovered = $state<string | null>(null);
  selected = $state<string | null>(null);

  toggle(key: string): void {
    this.selected = this.selected === key ? null : key;
  }

  /** The event whose details are shown: the hovered one, else the selected one. */
  shown(model: SpaceTimeModel): PlacedEvent | null {
    const key = this.hovered ?? this.selected;
    return (key !== null && model.byKey.get(key)) || null;
  }

  cone(model: SpaceTimeModel): CausalCone | null {
    return this.selected !== null && model.byKey.has(this.selected) ? causalCone(model, this.selected) : null;
  }
}
