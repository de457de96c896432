import { readFileSync } from 'node:fs';
import { ControlPlaneServer, ControlPlaneState, FileSources, KubernetesInventory } from '@glia/control-plane';
import { ExitCode, InputError, createLogger, errorMessage, type LogLevel } from '@glia/core';
import { reportError } from '../exit.js';
import { TOKEN_ENV } from '../token-env.js';

export interface ControlPlaneOptions {
  inventory?: string;
  kubernetes?: boolean;
  kubeconfig?: string;
  namespace?: string;
  edges?: string;
  rules?: string;
  listen: string;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel: string;
}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${what} ${path}: ${errorMessage(error)}`);
  }
}

function listenAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 0 && port <= 65_535))
    throw new InputError(`--listen ${text}: expected HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443)`);
  return { host: m[1] ?? m[2], port };
}

/**
 * `glia control-plane`: serves the identity baseline, the declared edges, the rules and their
 * deltas to agents, from watched files or from the Kubernetes API, until SIGINT/SIGTERM.
 */
export async function controlPlaneCommand(options: ControlPlaneOptions): Promise<number> {
  const logger = createLogger({ level: options.logLevel as LogLevel });
  let server: ControlPlaneServer;
  let stopSources: () => Promise<void> | void;
  try {
    if ((options.inventory === undefined) === (options.kubernetes !== true))
      throw new InputError('give the inventory as --inventory FILE or --kubernetes (one of them)');
    const token =
      options.tokenFile !== undefined
        ? read(options.tokenFile, '--token-file').trim()
        : process.env[TOKEN_ENV];
    if (token === undefined || token === '')
      throw new InputError(
        `a bearer token is required: --token-file FILE or the ${TOKEN_ENV} environment variable`,
      );
    if ((options.tlsCert === undefined) !== (options.tlsKey === undefined))
      throw new InputError('--tls-cert and --tls-key go together');
    const { host, port } = listenAddress(options.listen);
    const state = new ControlPlaneState();
    const files = new FileSources({
      state,
      ...(options.inventory !== undefined ? { inventory: options.inventory } : {}),
      ...(options.edges !== undefined ? { edges: options.edges } : {}),
      ...(options.rules !== undefined ? { rules: options.rules } : {}),
      logger,
    });
    try {
      await files.start();
    } catch (error) {
      throw new InputError(errorMessage(error));
    }
    const kubernetes =
      options.kubernetes === true
        ? new KubernetesInventory({
            state,
            logger,
            ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
            ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
          })
        : null;
    await kubernetes?.start();
    stopSources = async () => {
      files.stop();
      await kubernetes?.stop();
    };
    server = new ControlPlaneServer({
      state,
      token,
      logger,
      ...(options.tlsCert !== undefined && options.tlsKey !== undefined
        ? { tls: { cert: read(options.tlsCert, '--tls-cert'), key: read(options.tlsKey, '--tls-key') } }
        : {}),
    });
    const bound = await server.listen(port, host);
    const scheme = options.tlsCert === undefined ? 'http' : 'https';
    logger.info(
      {
        epoch: state.epoch,
        url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound.port}/v1/stream`,
      },
      'control plane listening',
    );
  } catch (error) {
    return reportError(error);
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await stopSources();
  await server.close();
  return ExitCode.ok;
}
