import { describe, expect, it } from 'vitest';
import type { TabmeshApi } from '../api-types.ts';
import type { NodeViewSource } from '../view-source.ts';
import { KvForm } from './kv-form.svelte.ts';
import { NodeView } from './node-view.svelte.ts';

/** A store of one value per key whose put refuses long values like the real one does. */
function fakeView() {
  const store = new Map<string, string>();
  const kv = {
    put(key: string, value: string) {
      if (value.length > 10) throw new RangeError(`value is ${value.length} UTF-8 bytes, limit 10`);
      store.set(key, value);
    },
    get: (key: string) => (store.has(key) ? [store.get(key) as string] : []),
    delete: (key: string) => void store.delete(key),
  };
  const source = { api: { kv } as unknown as TabmeshApi, kvKeys: () => [...store.keys()].sort() } as unknown as NodeViewSource;
  return { store, view: new NodeView(source) };
}

describe('KvForm', () => {
  it('puts and clears the value box; every stored key is listed, whoever wrote it', () => {
    const { store, view } = fakeView();
    const form = new KvForm(view);
    store.set('from-elsewhere', 'x');
    form.key = 'b';
    form.value = 'two';
    form.put();
    form.key = 'a';
    form.value = 'one';
    form.put();
    expect(Object.fromEntries(store)).toEqual({ a: 'one', b: 'two', 'from-elsewhere': 'x' });
    expect(form.value).toBe('');
    expect(view.kvKeys).toEqual(['a', 'b', 'from-elsewhere']);
    expect(view.kvValues('a')).toEqual(['one']);
  });

  it('keeps the typed value and shows why a put was refused', () => {
    const { store, view } = fakeView();
    const form = new KvForm(view);
    form.key = 'k';
    form.value = 'far too long';
    form.put();
    expect(form.error).toBe('value is 12 UTF-8 bytes, limit 10');
    expect(form.value).toBe('far too long');
    expect(store.size).toBe(0);
  });

  it('asks for a key first; Get follows a key even while it has no value, delete removes it', () => {
    const { store, view } = fakeView();
    const form = new KvForm(view);
    form.get();
    expect(form.error).toBe('Type a key first.');
    expect(form.followed).toBeNull();
    form.key = 'later';
    form.get();
    expect(form.error).toBeNull();
    expect(form.followed).toBe('later');
    expect(view.kvValues('later')).toEqual([]);
    store.set('later', 'now');
    expect(view.kvValues('later')).toEqual(['now']);
    form.delete();
    expect(store.has('later')).toBe(false);
    form.unfollow();
    expect(form.followed).toBeNull();
  });
});
