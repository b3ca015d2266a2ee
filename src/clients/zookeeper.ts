import zookeeper from 'node-zookeeper-client';
import { CONTROL_CHARACTER, quote, UserError } from '../errors.js';
import { escapeMrkdwn } from '../render/mrkdwn.js';
import { decodeMesosMasterZnode, isMesosMasterZnode, type MesosMasterInfo, mesosLeader } from './zookeeper-model.js';

export interface ZnodeTree {
  path: string;
  name: string;
  dataLength: number;
  ephemeral: boolean;
  numChildren: number;
  children: ZnodeTree[];
  /** Children not listed because of the depth or node limit. */
  truncated: boolean;
}

/** A ZooKeeper session with promises, and with the timeouts node-zookeeper-client lacks. */
export class ZookeeperClient {
  private constructor(
    private readonly client: zookeeper.Client,
    readonly connectString: string,
    private readonly opTimeoutMs: number,
  ) {}

  /**
   * Connects within `timeoutMs` or fails with a clear error (the library itself retries forever,
   * silently) and closes the half-open client so nothing keeps the process alive.
   */
  static async connect(connectString: string, options: { timeoutMs?: number } = {}): Promise<ZookeeperClient> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const client = zookeeper.createClient(connectString, { sessionTimeout: Math.max(4000, timeoutMs), spinDelay: 200, retries: 0 });
    const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
    client.connect();
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    if ((await Promise.race([connected, timer])) === 'timeout') {
      client.close();
      throw new UserError(
        `I can't reach ZooKeeper at ${connectString} (no session within ${timeoutMs / 1000} s).`,
        'Is ZooKeeper running and is host:port right? `/cluster info` shows the address the bot uses.',
      );
    }
    return new ZookeeperClient(client, connectString, timeoutMs);
  }

  close(): void {
    this.client.close();
  }

  exists(path: string): Promise<boolean> {
    return this.op(path, (done) => this.client.exists(path, (error, stat) => done(error, Boolean(stat))));
  }

  getData(path: string): Promise<Buffer> {
    return this.op(path, (done) => this.client.getData(path, (error, data) => done(error, data ?? Buffer.alloc(0))));
  }

  children(path: string): Promise<string[]> {
    return this.op(path, (done) => this.client.getChildren(path, (error, children) => done(error, [...(children ?? [])].sort())));
  }

  /** The subtree under `path`, breadth-limited: at most `depth` levels and `maxNodes` nodes. */
  async tree(path = '/', options: { depth?: number; maxNodes?: number } = {}): Promise<ZnodeTree> {
    const depth = options.depth ?? 3;
    let budget = options.maxNodes ?? 200;
    const visit = async (nodePath: string, level: number): Promise<ZnodeTree> => {
      budget -= 1;
      const stat = await this.stat(nodePath);
      const node: ZnodeTree = {
        path: nodePath,
        name: nodePath === '/' ? '/' : nodePath.slice(nodePath.lastIndexOf('/') + 1),
        dataLength: stat.dataLength,
        ephemeral: stat.ephemeral,
        numChildren: stat.numChildren,
        children: [],
        truncated: false,
      };
      if (stat.numChildren === 0) return node;
      if (level >= depth) {
        node.truncated = true;
        return node;
      }
      for (const child of await this.children(nodePath)) {
        if (budget <= 0) {
          node.truncated = true;
          break;
        }
        node.children.push(await visit(nodePath === '/' ? `/${child}` : `${nodePath}/${child}`, level + 1));
      }
      return node;
    };
    return visit(znodePath(path), 0);
  }

  /** Every Mesos master contending under `root` (default /mesos), leader first. */
  async mesosMasters(root = '/mesos'): Promise<{ masters: MesosMasterInfo[]; leader?: MesosMasterInfo }> {
    if (!(await this.exists(root))) return { masters: [] };
    const names = (await this.children(root)).filter(isMesosMasterZnode);
    const masters = await Promise.all(
      names.map(async (name) => decodeMesosMasterZnode(name, await this.getData(`${root}/${name}`).catch(() => Buffer.alloc(0)))),
    );
    const leader = mesosLeader(masters);
    return { masters: masters.sort((a, b) => a.sequence - b.sequence), ...(leader ? { leader } : {}) };
  }

  /** Marathon's leader: `host:port` in the lowest member under leader-curator (1.x) or leader (0.x). */
  async marathonLeader(root = '/marathon'): Promise<string | undefined> {
    for (const election of [`${root}/leader-curator`, `${root}/leader`]) {
      if (!(await this.exists(election))) continue;
      const members = (await this.children(election)).sort((a, b) => sequenceOf(a) - sequenceOf(b));
      for (const member of members) {
        const data = (await this.getData(`${election}/${member}`).catch(() => Buffer.alloc(0))).toString('utf8').trim();
        if (data !== '') return data;
      }
    }
    return undefined;
  }

  private async stat(path: string): Promise<{ dataLength: number; ephemeral: boolean; numChildren: number }> {
    const stat = await this.op<zookeeper.Stat | undefined>(path, (done) => this.client.exists(path, (error, found) => done(error, found)));
    if (!stat) throw noNode(path);
    return { dataLength: stat.dataLength, ephemeral: !stat.ephemeralOwner.equals(Buffer.alloc(8)), numChildren: stat.numChildren };
  }

  private op<T>(path: string, run: (done: (error: Error | zookeeper.Exception | null, value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new UserError(
              `ZooKeeper at ${this.connectString} did not answer for ${escapeMrkdwn(path)}.`,
              'The session may have been lost; try again.',
            ),
          ),
        this.opTimeoutMs,
      );
      run((error, value) => {
        clearTimeout(timer);
        if (!error) resolve(value);
        else if ((error as zookeeper.Exception).getCode?.() === zookeeper.Exception.NO_NODE) reject(noNode(path));
        else reject(error);
      });
    });
  }
}

function noNode(path: string): UserError {
  return new UserError(`There is no znode ${escapeMrkdwn(path)}.`, 'Try /state zk / to see the tree from the root.');
}

/** Longer than any znode a workshop cluster has; ZooKeeper's own bound is its 1 MB packet. */
export const MAX_ZNODE_PATH_CHARS = 1024;

/**
 * The path as ZooKeeper accepts it (its PathUtils rules), or a UserError that says what is wrong
 * and what a path looks like — checked here, because node-zookeeper-client throws plain errors.
 */
export function znodePath(input: string): string {
  const path = input.trim();
  const why = pathProblem(path);
  if (!why) return path;
  // The two slips people make, fixed for them in the hint when the fix is a valid path.
  const guess = path.startsWith('/') ? path.replace(/\/+$/, '') : `/${path}`;
  const meant = guess !== path && guess !== '' && !pathProblem(guess) ? ` (did you mean ${guess}?)` : '';
  throw new UserError(`${quote(path)} is not a znode path: ${why}${meant}.`, 'A znode path looks like /mesos or /marathon/leader-curator.');
}

function pathProblem(path: string): string | undefined {
  if (path.length > MAX_ZNODE_PATH_CHARS) return `it is longer than ${MAX_ZNODE_PATH_CHARS} characters`;
  if (!path.startsWith('/')) return 'it must start with /';
  if (path === '/') return undefined;
  if (path.endsWith('/')) return 'it must not end with /';
  // ZooKeeper refuses control characters, surrogates, private-use and non-characters in names.
  if (CONTROL_CHARACTER.test(path) || /[\ud800-\uf8ff\ufff0-\uffff]/.test(path)) return 'it contains a control or reserved character';
  const names = path.slice(1).split('/');
  if (names.includes('')) return 'it has an empty name between two slashes';
  if (names.some((name) => name === '.' || name === '..')) return 'ZooKeeper has no relative names like . or ..; write the whole path';
  return undefined;
}

function sequenceOf(name: string): number {
  return Number(/(\d+)$/.exec(name)?.[1] ?? Number.MAX_SAFE_INTEGER);
}
