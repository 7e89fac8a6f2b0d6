// Layer rules (../shared/DESIGN.md): transport → app → domain / adapters; domain has no I/O; only
// adapters/db speaks SQL, only adapters/graph speaks to Microsoft; no import cycles. `npm run lint`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // A cycle through type-only imports (a composed module naming its owner's type) is harmless to
    // module loading; any other cycle is split.
    { name: 'no-circular', severity: 'error', comment: 'An import cycle: split the shared part out.', from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain holds pure rules: no app, adapters, transport, and no module with I/O.',
      from: { path: '^src/domain/' },
      to: { path: ['^src/(app|adapters|transport)/', '^src/(runtime|logger)\\.ts$', '(^|/)node_modules/(pg|kysely|pg-boss|fastify|undici|@azure|openid-client|pino)/', '^(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)$', '^node:(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)'] },
    },
    {
      name: 'sql-only-in-adapters-db',
      severity: 'error',
      comment: 'Queries live in src/adapters/db; use cases get repositories.',
      from: { path: '^src/', pathNot: ['^src/adapters/db/', '^src/runtime\\.ts$'] },
      to: { path: '(^|/)node_modules/(kysely|pg)/' },
    },
    {
      name: 'graph-only-in-adapters-graph',
      severity: 'error',
      comment: 'Only src/adapters/graph (and the sign-in adapter) talk to Microsoft.',
      from: { path: '^src/', pathNot: ['^src/adapters/(graph|identity)/'] },
      to: { path: '(^|/)node_modules/(@azure/msal-node|@microsoft/microsoft-graph-client|openid-client)/' },
    },
    {
      name: 'transport-not-adapters',
      severity: 'error',
      comment: 'Transports parse, call one use case (src/app) and render; they do not reach adapters.',
      from: { path: '^src/transport/' },
      // The one exception: the job wiring's wake-up LISTEN connection beside pg-boss (pg-boss 10 has no
      // LISTEN of its own), which lives in adapters/db like every other database connection.
      to: { path: '^src/adapters/', pathNot: '^src/adapters/db/notify-listener\\.ts$' },
    },
    {
      name: 'app-not-transport',
      severity: 'error',
      from: { path: '^src/(app|domain|adapters)/' },
      to: { path: '^src/transport/' },
    },
    {
      name: 'adapters-not-app-use-cases',
      severity: 'error',
      comment: 'Adapters implement ports owned by the inside (src/app/ports); they do not call use cases.',
      from: { path: '^src/adapters/' },
      to: { path: '^src/app/', pathNot: ['^src/app/ports/', '^src/app/[^/]+/ports\\.ts$'] },
    },
    {
      name: 'emulator-apart',
      severity: 'error',
      comment: 'The emulator is its own package; housing365 reaches it through its package entry only.',
      from: { path: '^src/' },
      to: { path: '^emulator/src/', pathNot: '^emulator/src/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
