// Applies the reader's saved colour theme before first paint, so there is no flash of the wrong
// theme. A file rather than inline code: the site's Content-Security-Policy allows no inline script.
try {
  var saved = localStorage.getItem('atlas-theme');
  if (saved === 'light' || saved === 'dark') document.documentElement.dataset.theme = saved;
} catch (e) {}
