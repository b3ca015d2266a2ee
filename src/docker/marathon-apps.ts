import { HttpClient } from '../clients/http.js';
import { MarathonClient } from '../clients/marathon.js';
import { checkMarathonDefinition, problemsInOneLine } from '../clients/marathon-definition.js';
import { isFetchableSource } from '../clusters/minimesos-file/index.js';
import { replaceTokens } from '../clusters/tokens.js';
import { errorMessage } from '../errors.js';

/**
 * Installs the minimesosFile's Marathon apps and groups (each a URL; a bare path has no folder to
 * resolve against when the file came from Slack) with minimesos' token replacement, using the
 * addresses inside the cluster (where the apps run). Returns what went wrong: an app not
 * installed, a token not replaced. Not fatal: the cluster itself is up.
 */
export async function installMarathonApps(
  marathon: { apps: string[]; groups: string[] },
  marathonUrl: string,
  tokens: Record<string, string>,
): Promise<string[]> {
  const http = new HttpClient();
  const client = new MarathonClient(http, marathonUrl);
  const problems: string[] = [];
  try {
    for (const [kind, sources] of [
      ['app', marathon.apps],
      ['group', marathon.groups],
    ] as const) {
      for (const source of sources) {
        try {
          if (!isFetchableSource(source)) throw new Error('only URLs can be fetched here; install a local file with /cluster install');
          const response = await fetch(source, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
            // Offline (the demo, a closed network): "fetch failed" alone leaves the attendee with nothing to do.
            throw new Error(`could not download it (${errorMessage(error)}); paste its JSON after /cluster install instead`);
          });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const replaced = replaceTokens(await response.text(), tokens);
          const definition = JSON.parse(replaced.text) as object;
          // Checked as /cluster install checks: Marathon 1.3.5 would drop a later version's fields (networks) without a word.
          const checked = checkMarathonDefinition(definition, kind).problems;
          if (checked.length > 0)
            throw new Error(`Marathon would not take this ${kind} as it is, so it was not sent: ${problemsInOneLine(checked)}`);
          if (kind === 'app') await client.createApp(definition);
          else await client.createGroup(definition);
          for (const { token, reason } of replaced.notReplaced) problems.push(`${source}: ${token} not replaced: ${reason}`);
        } catch (error) {
          problems.push(`${source}: not installed: ${errorMessage(error)}`);
        }
      }
    }
  } finally {
    await http.close();
  }
  return problems;
}
