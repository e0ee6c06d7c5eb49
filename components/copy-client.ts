/**
 * Copy-to-clipboard for buttons carrying data-copy-target="<element id>". Reports the outcome in
 * the next .copy-status element so sighted and screen-reader users both learn whether it worked.
 */
export function wireCopyButtons(root: ParentNode): void {
  root.querySelectorAll<HTMLButtonElement>('button[data-copy-target]').forEach((button) => {
    if (button.dataset.copyWired) return;
    button.dataset.copyWired = '1';
    button.addEventListener('click', async () => {
      const target = document.getElementById(button.dataset.copyTarget ?? '');
      const status = button.parentElement?.querySelector<HTMLElement>('.copy-status');
      const text = target?.textContent ?? '';
      try {
        await navigator.clipboard.writeText(text);
        if (status) status.textContent = 'Copied';
      } catch {
        // Clipboard access can be refused (insecure origin, permissions): select the text instead.
        if (target) {
          const range = document.createRange();
          range.selectNodeContents(target);
          const selection = window.getSelection();
          selection?.removeAllRanges();
          selection?.addRange(range);
        }
        if (status) status.textContent = 'Selected: press Ctrl+C to copy';
      }
    });
  });
}
