import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.js';
import { envExample, withConfigTable } from '../src/config-docs.js';
import { localImage } from '../src/docker/image-names.js';

describe('config', () => {
  it('lists every missing or invalid variable at once, with what each is for', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', INSTRUCTORS: 'U123ABC,bob', LOG_LEVEL: 'loud', SLACK_API_URL: 'ftp://x' }, 'slack');
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    expect(text).toContain('SLACK_BOT_TOKEN is missing');
    expect(text).toContain('SLACK_SIGNING_SECRET is missing: verifies that requests come from Slack');
    expect(text).toContain('PORT must be a number from 1 to 65535 ("eighty")');
    expect(text).toContain('INSTRUCTORS has entries that are not Slack user ids (bob)');
    expect(text).toContain('LOG_LEVEL "loud" is unknown');
    expect(text).toContain('SLACK_API_URL is not an http(s) URL');
    expect(error!.problems).toHaveLength(6);
  });

  it('needs no signing secret in Socket Mode, and no Slack at all for terminal commands', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, 'slack')).not.toThrow();
    const local = loadConfig({}, 'local');
    expect(local.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(local.port).toBe(3000);
    expect(local.instructors).toEqual([]);
  });

  it('reads instructors and tokens', () => {
    const config = loadConfig(
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', INSTRUCTORS: ' U01INSTR , U02HELP ', REDIS_URL: 'redis://cache:6380' },
      'slack',
    );
    expect(config.instructors).toEqual(['U01INSTR', 'U02HELP']);
    expect(config.redisUrl).toBe('redis://cache:6380');
  });

  it('isolates attendees in their own engines by default, with the app ports published from each', () => {
    const config = loadConfig({}, 'local');
    expect(config).toMatchObject({ isolation: 'dind', dindImage: 'docker:20.10-dind' });
    expect(config.appPorts).toEqual([80, 3306, 4040, 5601, 8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007, 8008, 8009, 9200]);
    expect(
      loadConfig({ CLUSTER_IMAGES: 'local', CLUSTER_ISOLATION: 'shared', DIND_RUNTIME: 'runsc', APP_PORTS: '80, 443' }, 'local'),
    ).toMatchObject({ isolation: 'shared', dindImage: localImage('dind'), dindRuntime: 'runsc', appPorts: [80, 443] });
  });

  it.each([
    [{ CLUSTER_ISOLATION: 'vm' }, 'CLUSTER_ISOLATION must be dind or shared, not "vm"'],
    [{ APP_PORTS: '80,http' }, 'APP_PORTS has "http", which is not a port'],
    [{ APP_PORTS: '9000-8000' }, 'APP_PORTS has "9000-8000"'],
    [{ APP_PORTS: '1000-2000' }, 'APP_PORTS lists 1001 ports; at most 100'],
  ])('explains a bad isolation setting: %o', (env, message) => {
    expect(() => loadConfig(env, 'local')).toThrow(message);
  });

  it('refuses tokens of the wrong kind', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 's' }, 'slack')).toThrow(
      'SLACK_BOT_TOKEN should start with "xoxb-"',
    );
  });

  it('documents every variable in .env.example and the README, as generated from the declarations', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const variable of Object.values(CONFIG_VARIABLES)) expect(example).toContain(`${variable.name}=`);
    expect(example, 'run: workshop-bot config docs --write').toBe(envExample());
    expect(readme, 'run: workshop-bot config docs --write').toBe(withConfigTable(readme));
  });

  it('refuses a DOCKER_HOSTS entry it cannot use at start-up, not at the first build', () => {
    expect(() => loadConfig({ DOCKER_HOSTS: 'docker-host-1' }, 'local')).toThrow(
      'DOCKER_HOSTS is not usable: entry 1 ("docker-host-1") is not a URL.',
    );
    expect(() => loadConfig({ DOCKER_HOSTS: 'tcp://h:2376?tls=/nowhere' }, 'local')).toThrow(
      'cannot read ca.pem, cert.pem and key.pem in /nowhere',
    );
    expect(loadConfig({ DOCKER_HOSTS: 'tcp://10.0.0.5:2375?publish=203.0.113.7' }, 'local').dockerHosts).toHaveLength(1);
  });
});
