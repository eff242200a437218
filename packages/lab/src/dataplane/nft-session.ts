import { type ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { firstLines, NETNS_NAME, NftError } from './nft-run.js';

/** `describe tcp dport` prints this; it ends every request's output. */
const END_MARKER = 'datatype inet_service';
/** Longer batches go through `nft -f` (one line of interactive input holds one batch). */
export const SESSION_BATCH_LIMIT = 256 * 1024;
const IDLE_MS = 20_000;
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * One long-lived `nft -i` in a lab node namespace, for element batches. Starting nft costs
 * about 15 ms a run here, most of a label change's budget; interactive nft reads one line at a
 * time and commits each line as one transaction (all or nothing, as `nft -f` does: tested).
 *
 * Whether a batch committed is read from the kernel, not from messages: every element batch
 * swaps the ruleset's `generation` element, and after the batch the session lists that set.
 * The batch took effect exactly when the new generation is there.
 *
 * The session follows the namespace by its inode: a namespace deleted and made again under
 * the same name gets a new session. It ends after a while idle, and never keeps Node running.
 */
class NftSession {
  private readonly child: ChildProcess;
  private stdout = '';
  private stderr = '';
  private waiting?: { resolve: (listing: string) => void; reject: (error: Error) => void };
  private queue: Promise<unknown> = Promise.resolve();
  private idle?: NodeJS.Timeout;
  private closed = false;
  private readonly exited: Promise<void>;

  constructor(
    readonly netns: string,
    readonly inode: number,
  ) {
    // HOME=/dev/null: interactive nft keeps a history file in $HOME; this keeps it nowhere.
    this.child = spawn('ip', ['netns', 'exec', netns, 'nft', '-i'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HOME: '/dev/null' },
    });
    this.exited = new Promise((resolve) => this.child.once('close', () => resolve()));
    this.child.stdout?.setEncoding('utf8');
    this.child.stderr?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
      const end = this.stdout.indexOf(END_MARKER);
      if (end >= 0 && this.stdout.indexOf('\n', end) >= 0) {
        const listing = this.stdout.slice(0, end);
        this.stdout = '';
        this.waiting?.resolve(listing);
      }
    });
    this.child.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < 64_000) this.stderr += chunk;
    });
    this.child.stdin?.on('error', () => {});
    const fail = (why: string) => {
      void this.close();
      this.waiting?.reject(new NftError(`nft session in ${netns} ended: ${why}`, this.stderr));
    };
    this.child.on('error', (error) => fail(error.message));
    this.child.on('close', (code, signal) => fail(signal ?? `exit ${code}`));
    this.hold(false);
  }

  get alive(): boolean {
    return !this.closed;
  }

  /** Run one batch; resolves with the `generation` listing that follows it. */
  run(batch: string, table: string): Promise<{ listing: string; stderr: string }> {
    const request = this.queue.then(() => this.request(batch, table));
    this.queue = request.catch(() => {});
    return request;
  }

  private request(batch: string, table: string): Promise<{ listing: string; stderr: string }> {
    if (this.closed) return Promise.reject(new NftError(`nft session in ${this.netns} is closed`, ''));
    this.stderr = '';
    this.stdout = '';
    this.hold(true);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.close();
        reject(new NftError(`nft session in ${this.netns} did not answer`, this.stderr));
      }, REQUEST_TIMEOUT_MS);
      this.waiting = {
        resolve: (listing) => {
          clearTimeout(timer);
          this.waiting = undefined;
          this.hold(false);
          resolve({ listing, stderr: this.stderr });
        },
        reject: (error) => {
          clearTimeout(timer);
          this.waiting = undefined;
          reject(error);
        },
      };
      this.child.stdin?.write(`${batch}\nlist set inet ${table} generation\ndescribe tcp dport\n`);
    });
  }

  /** Keep Node running (and the session open) while a request is in flight; else let go. */
  private hold(busy: boolean): void {
    const streams = [this.child.stdin, this.child.stdout, this.child.stderr] as (
      | { ref?: () => void; unref?: () => void }
      | null
      | undefined
    )[];
    if (busy) {
      this.child.ref();
      for (const s of streams) s?.ref?.();
      clearTimeout(this.idle);
      return;
    }
    this.child.unref();
    for (const s of streams) s?.unref?.();
    clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.close(), IDLE_MS);
    this.idle.unref();
  }

  /** End the session: nft reads the end of its input and exits (killed if it lingers). */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      clearTimeout(this.idle);
      if (sessions.get(this.netns) === this) sessions.delete(this.netns);
      this.hold(true); // until nft has exited, for those who wait for it
      clearTimeout(this.idle);
      this.child.stdin?.end();
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      kill.unref();
      this.child.once('close', () => clearTimeout(kill));
    }
    return this.exited;
  }
}

const sessions = new Map<string, NftSession>();

function inodeOf(netns: string): number | undefined {
  try {
    return statSync(`/run/netns/${netns}`).ino;
  } catch {
    return undefined;
  }
}

/**
 * Run an element batch (commands without newlines) that swaps `generation` from `from` to
 * `to` in `netns`, through the namespace's nft session. Rejects, having changed nothing, when
 * the batch did not commit (a wrong base, a refused element) or the session failed.
 */
export async function runElementBatch(
  netns: string,
  table: string,
  commands: readonly string[],
  from: string,
  to: string,
): Promise<void> {
  if (!NETNS_NAME.test(netns)) throw new Error(`invalid network namespace name: ${netns}`);
  const inode = inodeOf(netns);
  if (inode === undefined) throw new NftError(`no network namespace ${netns}`, '');
  const lines = [
    `delete element inet ${table} generation { "${from}" }`,
    `add element inet ${table} generation { "${to}" }`,
  ];
  const batch = [...lines, ...commands].join('; ');
  if (batch.includes('\n')) throw new Error('an nft session batch is one line');
  let session = sessions.get(netns);
  if (!session?.alive || session.inode !== inode) {
    void session?.close();
    session = new NftSession(netns, inode);
    sessions.set(netns, session);
  }
  const { listing, stderr } = await session.run(batch, table);
  if (!listing.includes(`"${to}"`)) {
    throw new NftError(
      `nft refused the element batch in ${netns}: ${firstLines(stderr) || 'generation not swapped'}`,
      stderr,
    );
  }
}

/** End the nft session of `netns`, if any (its namespace is going away); resolves once nft exited. */
export async function closeNftSession(netns: string): Promise<void> {
  await sessions.get(netns)?.close();
}
