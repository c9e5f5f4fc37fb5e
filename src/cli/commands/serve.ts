/**
 * `revline serve`: the API and the dashboard over one workspace, until interrupted.
 *
 * Invariants:
 * - It binds a loopback address unless TLS settings (--tls-cert and --tls-key) or the explicit
 *   --insecure-bind are given: a session cookie never crosses a network in clear by accident.
 * - The first run (no account yet) creates the admin and prints a one-time sign-in link; the
 *   link's token is shown once and stored only as a hash. While no admin has a password, each start
 *   prints a new link (setUpSignIn), so a lost link never locks everyone out.
 */

import { serve, type ServerType } from '@hono/node-server';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { setUpSignIn } from '../../access/store.js';
import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { createApp } from '../../http/app.js';
import { stringOption, type Command } from '../command.js';

export const DEFAULT_PORT = 4600;

/** The built dashboard: dist/web of the package, from src/cli/commands or dist/cli/commands alike. */
export const WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Runs until SIGINT or SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the HTTP API and the dashboard (prints the address and how to sign in)',
  usage: 'revline serve [--db path] [--host 127.0.0.1] [--port 4600] [--tls-cert cert.pem --tls-key key.pem] [--insecure-bind]',
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'insecure-bind': { type: 'boolean' },
  },
  async run(context) {
    const { values, io } = context;
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    const portText = stringOption(values, 'port') ?? String(DEFAULT_PORT);
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RevlineError('usage', `--port takes a port number (0–65535), not "${portText}".`);
    const certFile = stringOption(values, 'tls-cert');
    const keyFile = stringOption(values, 'tls-key');
    if ((certFile === undefined) !== (keyFile === undefined)) throw new RevlineError('usage', 'TLS needs both --tls-cert and --tls-key.', { hint: 'Give the PEM files of the certificate and of its private key.' });
    const tls = certFile !== undefined && keyFile !== undefined ? { cert: readFileSync(context.resolvePath(certFile)), key: readFileSync(context.resolvePath(keyFile)) } : undefined;
    if (!isLoopback(host) && !tls && values['insecure-bind'] !== true) {
      throw new RevlineError('bind-refused', `Refusing to serve ${host} without TLS: sign-in cookies and API keys would cross the network in clear.`, {
        hint: 'Give --tls-cert and --tls-key, or serve 127.0.0.1 behind a TLS proxy; --insecure-bind overrides this when you know the network.',
      });
    }
    const engine = await context.openEngine();
    const webRoot = existsSync(`${WEB_ROOT}index.html`) ? WEB_ROOT : undefined;
    const app = createApp({ engine, clock: systemClock, ...(webRoot ? { webRoot } : {}) });
    const signIn = await setUpSignIn(engine, systemClock);

    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: host, port, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) }, () => resolve(started));
    });
    const address = server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    const origin = `${tls ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${boundPort}`;
    io.stdout.write(`Revline serves ${engine.location} at ${origin}/ (API: ${origin}/api/v1, OpenAPI: ${origin}/api/v1/openapi.json)\n`);
    if (!webRoot) io.stdout.write('No dashboard files in dist/web (build them with npm run build); the API answers.\n');
    if (signIn) {
      const why = signIn.created ? `First run: an admin account "${signIn.login}" was created.` : `No admin has a password yet.`;
      io.stdout.write(`${why} Sign in as "${signIn.login}" once with this link (it works once, for 24 hours) and set a password:\n  ${origin}/#/sign-in?link=${signIn.link}\n`);
    } else {
      io.stdout.write(`Sign in with your account; an admin can issue a one-time link: revline access link <login>${values['db'] ? ` --db ${String(values['db'])}` : ''}\n`);
    }
    io.stdout.write('Stop with Ctrl-C.\n');
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
