import { mapCaret, textDiff } from './text-diff.ts';

/** The part of a <textarea> the binding uses, so it can be tested without a DOM. */
export interface TextAreaLike {
  value: string;
  readonly selectionStart: number;
  readonly selectionEnd: number;
  readonly selectionDirection: 'forward' | 'backward' | 'none' | null;
  setSelectionRange(start: number, end: number, direction?: 'forward' | 'backward' | 'none'): void;
}

/** The shared document as `window.tabmesh.text` exposes it. */
export interface SharedTextApi {
  value(): string;
  insert(index: number, s: string): void;
  delete(index: number, length: number): void;
}

/**
 * Keeps a textarea and the shared document in step. Local typing is sent as the one minimal
 * edit it was (never "replace everything", which would erase concurrent edits by others);
 * remote changes are shown with the caret and selection kept on the same characters.
 */
export class TextBinding {
  readonly #area: TextAreaLike;
  readonly #text: SharedTextApi;
  /** What the textarea held after the last sync: the "before" of the next local edit. */
  #shown: string;
  #composing = false;

  constructor(area: TextAreaLike, text: SharedTextApi) {
    this.#area = area;
    this.#text = text;
    this.#shown = text.value();
    area.value = this.#shown;
  }

  /** After an input event: sends the edit; returns why the document refused it, or null. */
  input(): string | null {
    const edit = textDiff(this.#shown, this.#area.value, this.#area.selectionEnd);
    try {
      if (edit.deleteCount > 0) this.#text.delete(edit.index, edit.deleteCount);
      if (edit.insert.length > 0) this.#text.insert(edit.index, edit.insert);
      this.#shown = this.#area.value;
      return null;
    } catch (e) {
      // The textarea must not claim text the document does not hold; the error says why.
      this.show(this.#text.value());
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** Shows the document's current value, unless an IME composition is in progress. */
  show(value: string): void {
    if (this.#composing) return;
    if (value !== this.#area.value) {
      const edit = textDiff(this.#area.value, value);
      const start = mapCaret(this.#area.selectionStart, edit);
      const end = mapCaret(this.#area.selectionEnd, edit);
      const direction = this.#area.selectionDirection ?? 'none';
      this.#area.value = value;
      this.#area.setSelectionRange(start, end, direction);
    }
    this.#shown = value;
  }

  /** Rewriting the value mid-composition would cancel what the IME is building. */
  compositionStart(): void {
    this.#composing = true;
  }

  compositionEnd(): void {
    this.#composing = false;
    this.show(this.#text.value());
  }
}
