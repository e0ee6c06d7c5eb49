/**
 * The theme toggle: system → light → dark → system. The choice persists in localStorage; "system"
 * removes the override so prefers-color-scheme decides. Colours are CSS variables, so no figure
 * needs re-rendering.
 */
type Theme = 'system' | 'light' | 'dark';
const ORDER: Theme[] = ['system', 'light', 'dark'];
const KEY = 'atlas-theme';

function current(): Theme {
  const t = document.documentElement.dataset.theme;
  return t === 'light' || t === 'dark' ? t : 'system';
}

function apply(theme: Theme, button: HTMLButtonElement): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this page only.
  }
  button.setAttribute('aria-label', `Colour theme: ${theme}`);
  const label = button.querySelector('.theme-toggle-label');
  if (label) label.textContent = `Theme: ${theme}`;
}

export function wireThemeToggle(): void {
  const button = document.getElementById('theme-toggle') as HTMLButtonElement | null;
  if (!button) return;
  apply(current(), button);
  button.addEventListener('click', () => {
    const next = ORDER[(ORDER.indexOf(current()) + 1) % ORDER.length] as Theme;
    apply(next, button);
  });
}
