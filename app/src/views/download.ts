/**
 * Offers text as a file download. The object URL is revoked a moment later, once the browser
 * has taken the click (revoking it in the same task can cancel the download).
 */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name part from a room or node name: letters, digits and dashes only. */
export function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'tabmesh';
}
