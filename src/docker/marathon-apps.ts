import { HttpClient } from '../clients/http.js';
import { MarathonClient } from '../clients/marathon.js';
import { replaceTokens, tokenValues } from '../clusters/tokens.js';
import { errorMessage } from '../errors.js';

/**
 * Installs the minimesosFile's Marathon apps and groups (each a URL; a bare path has no folder to
 * resolve against when the file came from Slack) with minimesos' token replacement. A failure
 * is reported, not fatal: the cluster itself is up.
 */
export async function installMarathonApps(
  marathon: { apps: string[]; groups: string[] },
  marathonUrl: string,
  exports: string[],
): Promise<string[]> {
  const http = new HttpClient();
  const client = new MarathonClient(http, marathonUrl);
  const values = tokenValues(exports);
  const failures: string[] = [];
  try {
    for (const [kind, sources] of [
      ['app', marathon.apps],
      ['group', marathon.groups],
    ] as const) {
      for (const source of sources) {
        try {
          if (!/^https?:\/\//.test(source)) throw new Error('only URLs can be fetched here; install a local file with /cluster install');
          const response = await fetch(source, { signal: AbortSignal.timeout(10_000) });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const definition = JSON.parse(replaceTokens(await response.text(), values)) as object;
          if (kind === 'app') await client.createApp(definition);
          else await client.createGroup(definition);
        } catch (error) {
          failures.push(`${source}: ${errorMessage(error)}`);
        }
      }
    }
  } finally {
    await http.close();
  }
  return failures;
}
