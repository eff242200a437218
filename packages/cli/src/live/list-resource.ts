import { UsageError } from '../io.js';
import { oneLine } from '../terminal-text.js';
import { type ApiResponse, apiGet } from './api-get.js';
import type { ApiTarget } from './kubeconfig.js';
import { type LiveResource, listPath, qualifiedName } from './resources.js';

/** The items of a list, or why the server has no such list (a 404: the kind is not served). */
export type ListOutcome = { items: Record<string, unknown>[] } | { missing: string };

/** A list the server answered with an error status (401, 403, 410, 5xx). */
export class ApiStatusError extends UsageError {
  constructor(
    readonly status: number,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

export interface ListRequest {
  target: ApiTarget;
  resource: LiveResource;
  /** Only this namespace; absent: all namespaces. */
  namespace?: string;
  timeoutMs: number;
  pageSize?: number;
  /** Shared by every list of one read. */
  budget?: ReadBudget;
}

/**
 * What one read of a cluster may take, all lists together: time (`--read-timeout`), bytes
 * (the input limit, `--max-input-size`) and items. A server that pages forever (`continue`
 * n+1), sends huge pages or far more objects than any cluster holds ends the read with one
 * line and exit 2, instead of running for hours or out of memory.
 */
export class ReadBudget {
  private readonly deadline: number;
  private bytes: number;
  private items: number;

  constructor(readonly limits: { timeMs: number; bytes: number; items?: number }) {
    this.deadline = Date.now() + limits.timeMs;
    this.bytes = limits.bytes;
    this.items = limits.items ?? MAX_ITEMS;
  }

  /** Time left for the next request (at most `timeoutMs`); throws when none is. */
  requestTime(timeoutMs: number, what: string): number {
    const left = this.deadline - Date.now();
    if (left <= 0) {
      throw new UsageError(
        `reading the cluster took longer than ${formatMs(this.limits.timeMs)} (at ${what})`,
        'a slow server or a very large cluster: raise --read-timeout',
      );
    }
    return Math.min(timeoutMs, left);
  }

  /** Bytes the next answer may have. */
  bytesLeft(): number {
    return this.bytes;
  }

  spend(bytes: number, items: number, what: string): void {
    this.bytes -= bytes;
    this.items -= items;
    if (this.bytes < 0) {
      throw new UsageError(
        `the cluster's answers are larger than ${formatBytes(this.limits.bytes)} (at ${what})`,
        'raise the limit with --max-input-size, or read fewer namespaces with -n',
      );
    }
    if (this.items < 0) {
      throw new UsageError(
        `the cluster sent more than ${this.limits.items ?? MAX_ITEMS} objects (at ${what}), more than any cluster Kubernetes supports`,
      );
    }
  }
}

/** Kubernetes supports 150,000 pods; every kind netpol reads together stays well below this. */
const MAX_ITEMS = 1_000_000;
/** 500 a page: 5 million objects of one kind. */
const MAX_PAGES = 10_000;

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** LIST one kind, page by page (`limit` / `continue`), as `kubectl get` does. */
export async function listResource(req: ListRequest): Promise<ListOutcome> {
  const items: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `?limit=${req.pageSize ?? 500}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const path = `${listPath(req.resource, req.namespace)}${query}`;
    const budget = req.budget;
    const timeoutMs = budget ? budget.requestTime(req.timeoutMs, `GET ${path}`) : req.timeoutMs;
    const res = await apiGet(req.target, path, timeoutMs, budget?.bytesLeft()).catch((error: unknown) => {
      // A request cut short by the read's deadline is the read running out, not a slow server.
      budget?.requestTime(req.timeoutMs, `GET ${path}`);
      throw error;
    });
    if (res.status === 404 && req.resource.apiVersion !== 'v1') {
      return {
        missing: `the server does not serve ${req.resource.apiVersion} ${req.resource.kind} (404 on GET ${path})`,
      };
    }
    if (res.status !== 200) throw statusError(res, req, path, token !== undefined);
    const list = parseList(res.body);
    if (!list) throw new UsageError(`GET ${path} on ${req.target.server}: the answer is not a Kubernetes list`);
    req.budget?.spend(res.body.length, list.items.length, `GET ${path}`);
    for (const item of list.items) {
      if (item && typeof item === 'object' && !Array.isArray(item)) items.push(item as Record<string, unknown>);
    }
    token = list.continue;
    if (!token) return { items };
    if (seen.has(token))
      throw new UsageError(`GET ${path}: the server repeats the continue token ${oneLine(token).slice(0, 40)}`);
    seen.add(token);
  }
  throw new UsageError(
    `${listPath(req.resource, req.namespace)}: the server kept paging past ${MAX_PAGES} pages (continue token ${oneLine(token ?? '').slice(0, 40)})`,
  );
}

function parseList(body: string): { items: unknown[]; continue?: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const { items, metadata } = value as { items?: unknown; metadata?: { continue?: unknown } };
  if (items !== null && items !== undefined && !Array.isArray(items)) return undefined;
  const token = metadata?.continue;
  return { items: items ?? [], continue: typeof token === 'string' && token !== '' ? token : undefined };
}

/** The API server's own words (a `Status` object's message), on one line, when it sent them. */
function statusMessage(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { message?: unknown };
    if (typeof value.message !== 'string') return undefined;
    const line = oneLine(value.message);
    return line.length > 400 ? `${line.slice(0, 400)}…` : line;
  } catch {
    return undefined;
  }
}

function statusError(res: ApiResponse, req: ListRequest, path: string, paging: boolean): ApiStatusError {
  const { target, resource, namespace } = req;
  const said = statusMessage(res.body);
  const name = qualifiedName(resource);
  const scope = !resource.namespaced
    ? ''
    : namespace === undefined
      ? ' in all namespaces'
      : ` in namespace ${namespace}`;
  const context = `context "${target.context}"`;
  if (res.status === 401) {
    return new ApiStatusError(
      401,
      `the API server ${target.server} rejected the credentials of ${context} (401 Unauthorized on list ${name})`,
      `the token or client certificate is wrong or expired; kubectl --context ${target.context} get ns says the same`,
    );
  }
  if (res.status === 403) {
    const flag = !resource.namespaced ? '' : namespace === undefined ? ' -A' : ` -n ${namespace}`;
    return new ApiStatusError(
      403,
      `forbidden: cannot list ${name}${scope} (${context}, 403)${said ? `: ${said}` : ''}`,
      `netpol only lists namespaces, pods, workloads, services, networkpolicies, the policy.networking.k8s.io kinds and nodes; check with: kubectl auth can-i list ${name}${flag}`,
    );
  }
  if (res.status === 410 && paging) {
    return new ApiStatusError(
      410,
      `the ${name} list changed too much while netpol read it page by page (410 Gone: the continue token expired); run again`,
    );
  }
  return new ApiStatusError(
    res.status,
    `GET ${path} on ${target.server} (${context}): HTTP ${res.status}${said ? `: ${said}` : ''}`,
  );
}
