import type { NodeView } from './node-view.svelte.ts';

/**
 * The KV form. The table beside it lists every key the store holds a live value for; Get picks
 * one key to follow, which is how a missing or deleted key can be watched for a value to arrive.
 */
export class KvForm {
  readonly #view: NodeView;
  key = $state('');
  value = $state('');
  error = $state<string | null>(null);
  /** The key the last Get asked for; its values are re-read live. */
  followed = $state<string | null>(null);

  constructor(view: NodeView) {
    this.#view = view;
  }

  put(): void {
    const key = this.key;
    if (this.#run(key, () => this.#view.api.kv.put(key, this.value))) this.value = '';
  }

  get(): void {
    const key = this.key;
    if (this.#run(key, () => void this.#view.api.kv.get(key))) this.followed = key;
  }

  delete(): void {
    const key = this.key;
    this.#run(key, () => this.#view.api.kv.delete(key));
  }

  unfollow(): void {
    this.followed = null;
  }

  /** Runs an action on a key; false (and an error shown) if there was no key or the API refused. */
  #run(key: string, action: () => void): boolean {
    this.error = key === '' ? 'Type a key first.' : this.#view.act(action);
    return this.error === null;
  }
}
