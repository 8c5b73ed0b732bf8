import type { NodeView } from './node-view.svelte.ts';

/**
 * The KV form and the keys this page shows. The public API reads one key at a time and has no
 * key listing, so the table holds the keys used from this page (put, get or delete); each row
 * re-reads its key live, siblings included.
 */
export class KvForm {
  readonly #view: NodeView;
  key = $state('');
  value = $state('');
  error = $state<string | null>(null);
  #watched = $state<string[]>([]);

  constructor(view: NodeView) {
    this.#view = view;
  }

  get watched(): readonly string[] {
    return this.#watched;
  }

  put(): void {
    const key = this.key;
    this.#run(key, () => this.#view.api.kv.put(key, this.value));
    if (this.error === null) this.value = '';
  }

  /** Reading is how a key written elsewhere gets a row here. */
  get(): void {
    const key = this.key;
    this.#run(key, () => void this.#view.api.kv.get(key));
  }

  delete(): void {
    const key = this.key;
    this.#run(key, () => this.#view.api.kv.delete(key));
  }

  unwatch(key: string): void {
    this.#watched = this.#watched.filter((k) => k !== key);
  }

  #run(key: string, action: () => void): void {
    this.error = key === '' ? 'Type a key first.' : this.#view.act(action);
    if (this.error === null && !this.#watched.includes(key)) this.#watched = [...this.#watched, key].sort();
  }
}
