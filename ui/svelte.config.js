import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** SvelteKit as a static single-page app served by the Koa API (fallback shell for client routes). */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({
      pages: 'build',
      assets: 'build',
      fallback: 'index.html',
      precompress: true,
      strict: false,
    }),
    alias: { $domain: '../domain' },
    version: { pollInterval: 0 },
  },
};

export default config;
