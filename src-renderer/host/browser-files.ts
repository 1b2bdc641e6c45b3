import type { OpenedFile } from './host.js';

/** The page's own file picker (browser host): resolves undefined when the user cancels. */
export function pickTextFile(extensions: string[]): Promise<OpenedFile | undefined> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = extensions.map((e) => (e.startsWith('.') ? e : `.${e}`)).join(',');
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.remove();
      if (file === undefined) return resolve(undefined);
      file.text().then((content) => resolve({ name: file.name, content }), reject);
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve(undefined);
    });
    document.body.append(input);
    input.click();
  });
}

/** Saves text as a download (browser host). */
export function downloadText(name: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
