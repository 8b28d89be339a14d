// Typed GraphQL documents: gql.tada checks every operation against ../schema.graphql at
// build time (the build runs `tsc`), so an API change that breaks a screen fails the build.
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; Date: string; Decimal: string; Upload: File | null; JSON: unknown };
}>();
export type { ResultOf, VariablesOf } from 'gql.tada';
