import { z } from 'zod';

/**
 * Whether a container image is the one a step names. `nginx` matches `nginx`, `library/nginx`,
 * `docker.io/library/nginx:1.11`, `nginx@sha256:…` and the same image pulled through another
 * registry (`registry.local:5000/library/nginx`, a workshop's mirror); a tag or registry the step
 * names must match too (`mysql:5.7` ≠ `mysql:8`).
 */
export function imageMatches(actual: string, wanted: string): boolean {
  const have = parseImage(actual);
  return wanted.split(ALTERNATIVES).some((alternative) => {
    const want = parseImage(alternative);
    return (
      have.repository === want.repository &&
      (want.tag === undefined || have.tag === want.tag) &&
      (want.registry === undefined || have.registry === want.registry)
    );
  });
}

/** Images a step accepts alike (MySQL or MariaDB), as `mysql|mariadb`: no image reference has a `|`. */
const ALTERNATIVES = '|';

/**
 * A step's `image:`: one image, or a list of images it accepts alike (`[mysql, mariadb]`), kept as
 * `mysql|mariadb` — the form an address placeholder writes them in (`{image:mysql|mariadb:3306}`).
 */
export const imageSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((images) => (typeof images === 'string' ? images : images.join(ALTERNATIVES)));

/** "mysql or mariadb", for a detail. */
export function describeImage(wanted: string): string {
  return wanted.split(ALTERNATIVES).join(' or ');
}

/** Docker Hub's names for itself: an image from there names no registry. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function parseImage(image: string): { registry?: string; repository: string; tag?: string } {
  const withoutDigest = image.trim().toLowerCase().split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  const segments = (colon > slash ? withoutDigest.slice(0, colon) : withoutDigest).split('/');
  // A first segment with a dot or a port (or localhost) is a registry's host, as Docker reads a reference.
  const registry = segments.length > 1 && /[.:]|^localhost$/.test(segments[0]!) ? segments.shift() : undefined;
  if (segments.length > 1 && segments[0] === 'library') segments.shift();
  return {
    repository: segments.join('/'),
    ...(registry && !DOCKER_HUB.has(registry) ? { registry } : {}),
    ...(tag && tag !== 'latest' ? { tag } : {}),
  };
}
