// GraphiQL's page (served by the API at /graphql) loads these files; they are copied from
// the npm packages so that nothing comes from a CDN.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const files = [
  'react/umd/react.production.min.js',
  'react-dom/umd/react-dom.production.min.js',
  'js-cookie/dist/js.cookie.min.js',
  'graphiql/graphiql.min.css',
  'graphiql/graphiql.min.js',
  '@graphiql/plugin-explorer/dist/style.css',
  '@graphiql/plugin-explorer/dist/index.umd.js',
];
for (const file of files) {
  const target = join('dist', 'vendor', 'graphiql', file);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join('node_modules', file), target);
}
console.log(`copied ${files.length} GraphiQL files to dist/vendor/graphiql`);
