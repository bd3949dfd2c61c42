// Which folder may import which (STYLE.md, "Where things go"), checked by `npm run lint`.
// Dependencies point one way: tools (scripts/), e2e/ and test support (testing/) use the product
// (app/, lib/, worker/), never the reverse; app/ and worker/ use lib/, and lib/ neither of them.
const productCode = '^(app|lib|worker)/';
const tests = '\\.test\\.tsx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
const config = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module that imports itself, however indirectly, has no order in which it can be read alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'product-not-to-tools-or-test-support',
      severity: 'error',
      comment:
        'The app, lib/ and the worker run in production, where scripts/, e2e/ and testing/ are no part of ' +
        'the product; only tests next to the code (*.test.ts) may use test support and tools.',
      from: { path: productCode, pathNot: tests },
      to: { path: '^(scripts|e2e|testing)/' },
    },
    {
      name: 'lib-not-to-app-or-worker',
      severity: 'error',
      comment: 'lib/ is what app/ and worker/ share: it must not depend on either of them.',
      from: { path: '^lib/' },
      to: { path: '^(app|worker)/' },
    },
    {
      name: 'worker-not-to-app',
      severity: 'error',
      comment: 'The worker shares code with the web tier through lib/ only.',
      from: { path: '^worker/' },
      to: { path: '^app/' },
    },
    {
      name: 'worker-without-password-estimate',
      severity: 'error',
      comment:
        'No job checks a password: the strength estimate and its dictionaries (~55 MB resident) stay out ' +
        'of the worker. An import checks its rows by lib/accounts/signup-fields.ts.',
      from: { path: '^worker/', pathNot: tests },
      to: { path: '^lib/accounts/password-strength\\.ts$', reachable: true },
    },
  ],
  options: {
    // Type-only imports count too: a type from app/ in lib/ ties them together as much as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Read, not followed: packages, and the client Prisma generates.
    doNotFollow: { path: ['node_modules', '^lib/generated/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};

export default config;
