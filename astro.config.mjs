import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import { rehypeAtlas } from './src/site/build/rehype-atlas';

// The canonical origin used in citations and Scholar meta tags. Override with SITE_URL when deploying.
const site = process.env.SITE_URL ?? 'http://127.0.0.1:4321';

export default defineConfig({
  site,
  trailingSlash: 'always',
  integrations: [mdx()],
  markdown: {
    remarkPlugins: [remarkMath],
    rehypePlugins: [rehypeKatex, rehypeAtlas],
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } },
  },
  // CSS inline in each page: no render-blocking stylesheet requests (Lighthouse first paint on phones);
  // the CSP allows inline styles (scripts/security/policy.mjs), never inline scripts.
  build: { format: 'directory', inlineStylesheets: 'always' },
  prefetch: false,
  devToolbar: { enabled: false },
  vite: {
    resolve: {
      // tfjs-core lazily requires node-fetch; Vite's dev pre-bundling breaks on it (stack.md pitfall 8).
      alias: { 'node-fetch': fileURLToPath(new URL('./src/site/build/empty-module.js', import.meta.url)) },
    },
    build: {
      chunkSizeWarningLimit: 2000, // tfjs is one large lazily loaded chunk (stack.md pitfall 14)
      // Never inline an asset: no script inside the HTML (the Content-Security-Policy allows only the
      // site's own script files, scripts/security/policy.mjs) and no data: font in the CSS (font-src 'self').
      assetsInlineLimit: 0,
    },
    worker: { format: 'es' },
  },
});
