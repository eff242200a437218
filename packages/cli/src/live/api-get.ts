import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { first } from '@netpol/core';
import { UsageError } from '../io.js';
import type { ApiTarget } from './kubeconfig.js';

export interface ApiResponse {
  status: number;
  body: string;
}

/** Large clusters send big pages; more than this from one GET is not an API server. */
const MAX_BODY = 512 * 1024 * 1024;

/**
 * One GET to the API server (the only verb netpol uses), bounded by `timeoutMs` from connect
 * to the last byte. Any status comes back; transport failures (unreachable, TLS, timeout)
 * become one-line UsageErrors that name the server, the context and the request.
 */
export function apiGet(target: ApiTarget, path: string, timeoutMs: number, maxBytes = MAX_BODY): Promise<ApiResponse> {
  const limit = Math.min(maxBytes, MAX_BODY);
  const url = `${target.server}${path}`;
  const request = url.startsWith('http:') ? httpRequest : httpsRequest;
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const req = request(url, {
      ...target.request,
      method: 'GET',
      headers: { ...target.request.headers, Accept: 'application/json', 'User-Agent': 'netpol' },
    });
    const timer = setTimeout(() => {
      fail(
        new UsageError(
          `GET ${path} timed out after ${formatMs(timeoutMs)} (server ${target.server}, context "${target.context}")`,
          'a slow or unreachable server; raise --request-timeout, or check with kubectl get --raw /readyz',
        ),
      );
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => fail(transportError(error, target)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          fail(
            new UsageError(
              `GET ${path}: the answer is larger than ${limit >> 20} MiB${limit < MAX_BODY ? ' (what is left of the input limit)' : ''}`,
              limit < MAX_BODY ? 'raise the limit with --max-input-size, or read fewer namespaces with -n' : undefined,
            ),
          );
          req.destroy();
        } else chunks.push(chunk);
      });
      res.on('error', (error) => fail(transportError(error, target)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end();
  });
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function transportError(error: Error, target: ApiTarget): UsageError {
  const code = (error as { code?: string }).code ?? '';
  const where = `the API server ${target.server} (context "${target.context}")`;
  if (TLS_TRUST_CODES.has(code)) {
    return new UsageError(
      `TLS: cannot trust ${where}: ${error.message} (${code})`,
      "the kubeconfig's certificate-authority-data must sign the server's certificate",
    );
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO') {
    const reason = tlsReason(error.message);
    return new UsageError(
      `TLS handshake with ${where} failed: ${reason} (${code})`,
      /does not speak TLS/.test(reason)
        ? 'is the server plain http? then the kubeconfig server should say http://'
        : "check the server's address and port, and the kubeconfig's certificate-authority-data",
    );
  }
  const words = NETWORK_WORDS[code];
  return new UsageError(
    `cannot reach ${where}: ${words ?? error.message.split('\n')[0]}${words ? '' : code ? ` (${code})` : ''}`,
    'is the cluster running and the context right? kubectl config current-context shows which one is used',
  );
}

/**
 * OpenSSL's text (`write EPROTO 40B8…:error:0A00010B:SSL routines:ssl3_get_record:wrong
 * version number:../deps/openssl/…`) → its reason in words.
 */
export function tlsReason(message: string): string {
  const reason = /SSL routines:[^:]*:([^:\n]+)/.exec(message)?.[1]?.trim() ?? first(message.split('\n')).trim();
  if (/wrong version number|packet length too long|http request/i.test(reason)) {
    return `the server does not speak TLS (${reason})`;
  }
  return reason;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
