import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  plugins: [preact()],
  build: { target: 'es2022', sourcemap: false },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:8000', ws: true }, '/files': 'http://127.0.0.1:8000', '/briefings': 'http://127.0.0.1:8000', '/exports': 'http://127.0.0.1:8000' } },
});
