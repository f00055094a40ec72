/**
 * Module boundaries (docs/architecture.md): a feature module owns its tables and repo, and other
 * modules reach it through its service; the platform knows no feature; the web app knows no server.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-foreign-repo-or-tables',
      comment: "Call the owning module's service; its repo and tables are its own.",
      severity: 'error',
      from: { path: '^server/src/modules/([^/]+)/', pathNot: '/tables\\.ts$' },
      to: { path: '^server/src/modules/([^/]+)/(repo|tables)\\.ts$', pathNot: '^server/src/modules/$1/' },
    },
    {
      name: 'tables-reference-only-tables',
      comment: "A table may name another module's table for a foreign key, and nothing else of it.",
      severity: 'error',
      from: { path: '^server/src/modules/([^/]+)/tables\\.ts$' },
      to: { path: '^server/src/modules/([^/]+)/', pathNot: ['^server/src/modules/$1/', '^server/src/modules/[^/]+/tables\\.ts$'] },
    },
    {
      name: 'platform-knows-no-module',
      comment: 'The platform is shared infrastructure; features plug into it, not the other way round.',
      severity: 'error',
      // Integration tests under platform/ may set up rows of any module to test the platform with.
      from: { path: '^server/src/platform/', pathNot: '\\.test\\.ts$' },
      to: { path: '^server/src/modules/' },
    },
    {
      name: 'lib-knows-no-module',
      severity: 'error',
      from: { path: '^server/src/lib/' },
      to: { path: '^server/src/(modules|platform)/' },
    },
    {
      name: 'web-knows-no-server',
      comment: 'The web app talks to the server only through the protocol package and HTTP/WebSocket.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^server/' },
    },
    {
      name: 'protocol-is-a-leaf',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: '^(server|web)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(server/src|packages/protocol/src)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist|dist-test)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js'],
    },
  },
};
