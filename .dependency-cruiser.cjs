/**
 * Import rules of the workspace, checked by dependency-cruiser in `npm run lint`
 * (`depcruise apps packages --config .dependency-cruiser.cjs`).
 *
 * - no-circular: no module may reach itself through its imports, in any app or package
 *   (type-only imports count: a circle of types still ties the modules together).
 * - server-sql-in-repositories: in the server, only repositories/ and db/ import the database
 *   libraries (kysely, better-sqlite3), type-only imports included: routes → services →
 *   repositories, and only repositories touch SQL (STYLE.md, practice 4). Tests and
 *   test-support/ are exempt: they set up and inspect the database directly.
 * - desktop-sqlite-in-local-cache: in the console, the workstation's local cache
 *   (main/local-cache.ts) is the one module that opens SQLite.
 * - shared-no-database: the shared contracts run in the browser too, so they import neither.
 */

/** Test files, which may reach past the layers to arrange and inspect state. */
const TESTS = ['\\.test\\.tsx?$', '^apps/server/src/test-support/'];
/** The database libraries, wherever npm put them (hoisted or in a workspace's node_modules). */
const DATABASE_LIBRARIES = '(^|/)node_modules/(kysely|better-sqlite3)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'This import closes a circle. Move what both sides need (types, constants) into a module both import ' +
        '(as apps/server/src/domain/caller.ts or simulator/simulator-logger.ts do).',
      from: { path: '^(apps|packages)/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'server-sql-in-repositories',
      severity: 'error',
      comment:
        'Only apps/server/src/repositories/ and apps/server/src/db/ may import kysely or better-sqlite3: put the ' +
        'statement in a repository and call its method (services hold the rules, repositories the SQL).',
      from: {
        path: '^apps/server/src/',
        pathNot: ['^apps/server/src/(repositories|db)/', ...TESTS],
      },
      to: { path: DATABASE_LIBRARIES },
    },
    {
      name: 'desktop-sqlite-in-local-cache',
      severity: 'error',
      comment: 'In the console only main/local-cache.ts opens SQLite; other modules use its functions.',
      from: { path: '^apps/desktop/src/', pathNot: ['^apps/desktop/src/main/local-cache\\.ts$', ...TESTS] },
      to: { path: DATABASE_LIBRARIES },
    },
    {
      name: 'shared-no-database',
      severity: 'error',
      comment: 'packages/shared holds the contracts used by server and console alike; it imports no database library.',
      from: { path: '^packages/[^/]+/src/' },
      to: { path: DATABASE_LIBRARIES },
    },
  ],
  options: {
    // build output is not ours to check (anchored: a package's own dist/ under node_modules must stay visible, or
    // an import of kysely, whose entry is node_modules/kysely/dist/…, would vanish from the graph)
    exclude: { path: '^(apps|packages)/[^/]+/dist/' },
    // packages are seen where they are imported, never cruised themselves (nor apps/*/node_modules as roots)
    doNotFollow: { path: '(^|/)node_modules/' },
    // type-only imports are dependencies too (for circles, and for the database rule)
    tsPreCompilationDeps: true,
    // the server and shared use NodeNext (`./x.js` names `./x.ts`); the base config says so
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
