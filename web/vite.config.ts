// Builds the envoy's web app into static files the `backchannel` binary
// embeds. The server sends a strict Content-Security-Policy (script-src and
// style-src 'self', no inline code, no other origin: docs in the HTTP contract),
// so nothing here may emit inline <script> or <style>.
import { defineConfig } from 'vite';

export default defineConfig({
  // The CMake build passes --outDir; `npm run build` alone writes web/dist.
  base: '/',
  build: {
    // The polyfill is an inline <script>, which the CSP refuses.
    modulePreload: { polyfill: false },
    // Small assets would be inlined as data: URLs into JS/CSS; keep files.
    assetsInlineLimit: 0,
    // Inline-free CSS: one file linked from index.html.
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
    emptyOutDir: true,
    target: 'es2022',
  },
});
