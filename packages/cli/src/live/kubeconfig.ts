import { type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { first } from '@netpol/core';
import { type Io, UsageError } from '../io.js';
import { suggest } from '../suggest.js';

/** Where and how to talk to the API server of one kubeconfig context. */
export interface ApiTarget {
  context: string;
  /** `https://host:6443`, maybe with a path prefix (a proxying front end). */
  server: string;
  /** Agent (CA, client certificate, proxy), headers (bearer token) and basic auth, ready for a request. */
  request: RequestOptions;
}

/**
 * The kubeconfig as kubectl finds it (`--kubeconfig`, else every existing file of
 * `$KUBECONFIG`, else `~/.kube/config`), the context (`--context`, else current-context), and
 * request options with its credentials (token, token file, client certificate, exec plugin).
 * Every problem is a one-line UsageError.
 */
export async function loadApiTarget(
  options: { kubeconfig?: string; context?: string; timeoutMs?: number },
  io: Io,
): Promise<ApiTarget> {
  const files = kubeconfigFiles(options.kubeconfig, io);
  // The library is loaded only here: commands that read no cluster never pay for it.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  for (const file of files) {
    const next = new KubeConfig();
    try {
      next.loadFromFile(file);
      // kubectl's merge: the first file that sets current-context wins.
      kc.mergeConfig(next, Boolean(kc.currentContext));
    } catch (error) {
      throw new UsageError(`kubeconfig ${file}: ${firstLine(error)}`);
    }
  }
  const shown = files.join(delimiter);
  const name = pickContext(kc, options.context, shown);
  kc.setCurrentContext(name);
  const context = kc.getContextObject(name);
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    throw new UsageError(
      `kubeconfig ${shown}: context "${name}" names cluster "${context?.cluster}", which is not there`,
    );
  }
  if (context.user && !kc.getCurrentUser()) {
    throw new UsageError(`kubeconfig ${shown}: context "${name}" names user "${context.user}", which is not there`);
  }
  if (!/^https?:\/\/[^/]/.test(cluster.server) || !URL.canParse(cluster.server)) {
    throw new UsageError(
      `context "${name}": the server of cluster "${cluster.name}" is not an http(s) URL: ${cluster.server}`,
    );
  }
  const request: RequestOptions = { headers: {} };
  const config = requestConfig(kc, KubeConfig);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const plugin = boundCredentialPlugins(config, timeoutMs);
  try {
    await config.applyToHTTPSOptions(request);
  } catch (error) {
    if (plugin.timedOut) {
      throw new UsageError(
        `context "${name}": the credential plugin ${plugin.timedOut} of user "${context.user ?? ''}" did not answer within ${timeoutMs / 1000}s`,
        `run it by hand to see what it waits for (a login prompt?); --request-timeout bounds it`,
      );
    }
    throw new UsageError(
      `context "${name}": cannot use the credentials of user "${context.user ?? ''}" or the CA of cluster "${cluster.name}": ${firstLine(error)}`,
      `kubectl --context ${name} get ns reads them the same way`,
    );
  }
  return { context: name, server: cluster.server.replace(/\/+$/, ''), request };
}

/**
 * An exec credential plugin (`users[].user.exec`) that hangs would hold the read forever:
 * the library spawns it with no timeout and offers no public way to bound it (a custom
 * authenticator is asked only when no built-in one claims the user, and the built-in exec one
 * always does). Its authenticator's spawn is replaced by one with `--request-timeout` as the
 * timeout (SIGKILL), and which plugin ran and which timed out is noted. That reaches into a
 * private field (`authenticators[].execFn`, @kubernetes/client-node 1.x):
 * `kubeconfig.test.ts` fails when the installed library no longer has that shape or no longer
 * spawns through it, so an upgrade cannot silently unbound plugins.
 */
export function boundCredentialPlugins(
  config: KubeConfig,
  timeoutMs: number,
): { bounded: number; ran?: string; timedOut?: string } {
  const seen: { bounded: number; ran?: string; timedOut?: string } = { bounded: 0 };
  const authenticators = (config as unknown as { authenticators?: unknown }).authenticators;
  if (!Array.isArray(authenticators)) return seen;
  for (const auth of authenticators) {
    if (!auth || typeof auth !== 'object' || typeof (auth as { execFn?: unknown }).execFn !== 'function') continue;
    seen.bounded++;
    (auth as { execFn: typeof spawn }).execFn = ((command: string, args: readonly string[], opts: SpawnOptions) => {
      const started = Date.now();
      seen.ran = command;
      const child = spawn(command, args, { ...opts, timeout: timeoutMs, killSignal: 'SIGKILL' });
      child.on('exit', (_code, signal) => {
        if (signal === 'SIGKILL' && Date.now() - started >= timeoutMs) seen.timedOut = command;
      });
      return child;
    }) as typeof spawn;
  }
  return seen;
}

/**
 * The config to take request options from. The library refuses `http://` servers unless
 * insecure-skip-tls-verify is set, and skips the cluster's CA when the context names no user;
 * kubectl does neither (`kubectl proxy` serves plain HTTP; anonymous access still checks the
 * CA). Over plain HTTP there is no TLS to verify, so say so to the library.
 */
function requestConfig(kc: KubeConfig, Ctor: new () => KubeConfig): KubeConfig {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const plainHttp = Boolean(cluster?.server.startsWith('http:')) && !cluster?.skipTLSVerify;
  if (!cluster || (user && !plainHttp)) return kc;
  const config = new Ctor();
  config.loadFromClusterAndUser(
    { ...cluster, skipTLSVerify: cluster.skipTLSVerify || plainHttp },
    user ?? { name: '' },
  );
  return config;
}

function kubeconfigFiles(flag: string | undefined, io: Io): string[] {
  if (flag !== undefined) {
    const file = resolve(io.cwd, flag);
    if (!existsSync(file)) throw new UsageError(`--kubeconfig ${flag}: no such file`);
    return [file];
  }
  const env = io.env.KUBECONFIG;
  if (env) {
    // As kubectl: a list of files; the missing ones are skipped.
    const listed = env.split(delimiter).filter((f) => f !== '');
    const files = listed.map((f) => resolve(io.cwd, f)).filter((f) => existsSync(f));
    if (files.length === 0) {
      throw new UsageError(`KUBECONFIG=${env}: no such file`, 'give --kubeconfig PATH, or point KUBECONFIG at one');
    }
    return files;
  }
  const file = resolve(io.env.HOME || homedir(), '.kube', 'config');
  if (!existsSync(file)) {
    throw new UsageError(`no kubeconfig: ${file} does not exist`, 'give --kubeconfig PATH or set KUBECONFIG');
  }
  return [file];
}

function pickContext(kc: KubeConfig, wanted: string | undefined, shown: string): string {
  const names = kc.getContexts().map((c) => c.name);
  const listed = names.length > 0 ? `contexts: ${names.join(', ')}` : 'it has no contexts';
  if (wanted === undefined) {
    const current = kc.getCurrentContext();
    if (current && names.includes(current)) return current;
    throw new UsageError(
      current
        ? `kubeconfig ${shown}: current-context "${current}" is not there (${listed})`
        : `kubeconfig ${shown}: no current-context (${listed})`,
      names.length > 0 ? `give --context ${names[0]}, or run kubectl config use-context NAME` : undefined,
    );
  }
  if (names.includes(wanted)) return wanted;
  const near = suggest(wanted, names);
  throw new UsageError(
    `--context ${wanted}: no such context in kubeconfig ${shown} (${listed})`,
    near ? `did you mean --context ${near}?` : undefined,
  );
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // A credential plugin that fails silently leaves an empty message.
  return first(message.split('\n')).trim() || 'it failed without a message';
}
