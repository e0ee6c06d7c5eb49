import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: +process.env.W || 320, height: 800 } });
for (const path of process.argv.slice(2)) {
  await p.goto('http://127.0.0.1:4335' + path);
  const r = await p.evaluate(() => {
    const W = document.documentElement.clientWidth; const out = [];
    const contained = (el) => { for (let a = el; a && a !== document.body; a = a.parentElement) { const cs = getComputedStyle(a); if (cs.overflowX !== 'visible' || cs.display === 'none') return true; } return false; };
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      if (!n.textContent.trim()) continue;
      const rg = document.createRange(); rg.selectNodeContents(n); const r = rg.getBoundingClientRect();
      if (r.right > W + 0.5 && !contained(n.parentElement)) out.push(Math.round(r.right) + ' ' + n.parentElement.tagName + '.' + n.parentElement.className + ': ' + n.textContent.slice(0, 60));
    }
    for (const el of document.body.querySelectorAll('*')) { const r = el.getBoundingClientRect(); if (r.right > W + 0.5 && !contained(el)) out.push('EL ' + Math.round(r.right) + ' ' + el.tagName + '.' + el.className); }
    return [document.documentElement.scrollWidth, out.slice(0, 15)];
  });
  console.log(path, JSON.stringify(r, null, 1));
}
await b.close();
