/**
 * minimesos replaces `${MINIMESOS_<ROLE>}`, `${MINIMESOS_<ROLE>_IP}`, `${MINIMESOS_<ROLE>_PORT}` and
 * `${MINIMESOS_NETWORK_GATEWAY}` in Marathon JSON before installing it. Unknown tokens stay as they
 * are (as minimesos leaves `{{MINIMESOS_ZOOKEEPER}}`).
 */
export function tokenValues(exportLines: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of exportLines) {
    for (const match of line.matchAll(/export (MINIMESOS_[A-Z_]+)=([^;\s]*)/g)) {
      values[match[1]!] = match[2]!;
      const port = /:(\d+)(?:\/|$)/.exec(match[2]!)?.[1];
      if (port && !match[1]!.endsWith('_IP')) values[`${match[1]!}_PORT`] = port;
    }
  }
  return values;
}

export function replaceTokens(json: string, values: Record<string, string>): string {
  return json.replace(/\$\{(MINIMESOS_[A-Z_]+)\}/g, (token, name: string) => values[name] ?? token);
}
