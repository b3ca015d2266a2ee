import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { publishRoomChange } from './changes.js';

/** Where the board is served, under `serve`'s HTTP port (the token follows). */
export const BOARD_PATH = '/board';

/**
 * The board's secret link: one random token per workshop (per Redis and key prefix), made on first
 * use and kept until an instructor rotates it. Whoever has the link sees the board; nobody else can
 * tell it exists (a wrong token is a plain 404).
 */
export class BoardLink {
  constructor(private readonly redis: () => Redis) {}

  /** The current token, made now if there is none. */
  async token(): Promise<string> {
    const fresh = newToken();
    // SET NX GET: stores ours only if there was none, and answers the one already there.
    const existing = await this.redis().set(TOKEN_KEY, fresh, 'NX', 'GET');
    return existing ?? fresh;
  }

  /** Replaces the token: the old link answers 404 from now on, and pages open with it are closed. */
  async rotate(): Promise<string> {
    const fresh = newToken();
    await this.redis().set(TOKEN_KEY, fresh);
    await publishRoomChange(this.redis(), { kind: 'board-link' });
    return fresh;
  }

  /** Whether `candidate` is the current token (compared in constant time). */
  async accepts(candidate: string): Promise<boolean> {
    const current = await this.redis().get(TOKEN_KEY);
    if (!current) return false;
    const [a, b] = [Buffer.from(candidate), Buffer.from(current)];
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** The page's address: PUBLIC_URL (any path it has kept) + /board/<token>. */
export function boardUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${BOARD_PATH}/${token}`;
}

/**
 * Text (a log line) with whatever follows `/board/` hidden: the link is the board's only secret, and
 * a library logging a request's path (Bolt does for paths it does not serve) must not write it down.
 */
export function redactBoardLinks(text: string): string {
  return text.replace(BOARD_LINK, `${BOARD_PATH}/<secret>`);
}

const BOARD_LINK = new RegExp(`${BOARD_PATH}/[^\\s/?#]+`, 'gi');

/** 192 random bits, URL-safe. */
function newToken(): string {
  return randomBytes(24).toString('base64url');
}

const TOKEN_KEY = 'board:token';
