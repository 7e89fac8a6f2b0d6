import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

const GOVUK = path.join(packageDir('govuk-frontend'), 'dist', 'govuk');
const MOJ = path.join(packageDir('@ministryofjustice/frontend'), 'moj');
const PUBLIC = fileURLToPath(new URL('../../../public/', import.meta.url));

/**
 * GOV.UK and MOJ Frontend are served straight from node_modules, so an `npm update` is the whole
 * upgrade. Their CSS asks for fonts and images at /assets/fonts and /assets/images.
 */
export async function registerStatic(app: FastifyInstance): Promise<void> {
  const common = { immutable: false, maxAge: '1h', index: false as const, wildcard: true };
  await app.register(fastifyStatic, { ...common, root: PUBLIC, prefix: '/assets/', decorateReply: false, allowedPath: (p) => /^\/app\.(js|css)$/.test(p) });
  await app.register(fastifyStatic, { ...common, root: GOVUK, prefix: '/assets/govuk/', decorateReply: false, allowedPath: (p) => /^\/govuk-frontend\.min\.(js|css)(\.map)?$/.test(p) });
  await app.register(fastifyStatic, { ...common, root: MOJ, prefix: '/assets/moj/', decorateReply: false, allowedPath: (p) => /^\/moj-frontend\.min\.(js|css)(\.map)?$/.test(p) });
  await app.register(fastifyStatic, { ...common, root: path.join(GOVUK, 'assets', 'fonts'), prefix: '/assets/fonts/', decorateReply: false });
  await app.register(fastifyStatic, { ...common, root: [path.join(GOVUK, 'assets', 'images'), path.join(MOJ, 'assets', 'images')], prefix: '/assets/images/', decorateReply: false });
}
