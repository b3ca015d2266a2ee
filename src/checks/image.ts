/**
 * Whether a container image is the one a step names. `nginx` matches `nginx`, `library/nginx`,
 * `docker.io/library/nginx:1.11`; a wanted tag or registry must match too (`mysql:5.7` ≠ `mysql:8`).
 */
export function imageMatches(actual: string, wanted: string): boolean {
  const have = parseImage(actual);
  const want = parseImage(wanted);
  return have.repository === want.repository && (want.tag === undefined || have.tag === want.tag);
}

function parseImage(image: string): { repository: string; tag?: string } {
  const withoutDigest = image.trim().toLowerCase().split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  let repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  repository = repository.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  return { repository, ...(tag && tag !== 'latest' ? { tag } : {}) };
}
