import { CONFIG_VARIABLES } from './config.js';

const specs = () => Object.values(CONFIG_VARIABLES);

const REQUIRED = { slack: 'for `serve`', 'slack-http': 'for `serve` over HTTP (not Socket Mode)' } as const;

/** The README's configuration table, between its `config:start` / `config:end` markers. */
export function configTable(): string {
  const rows = specs().map((spec) => {
    const when = spec.required ? REQUIRED[spec.required] : spec.default !== undefined ? `no (default \`${spec.default}\`)` : 'no';
    return `| \`${spec.name}\` | ${when} | ${spec.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | required | what it is for |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `.env.example`: every variable, its description, and its default or an example. */
export function envExample(): string {
  const lines = [
    '# mesos-workshop-bot configuration. Copy to .env (values in the environment win over .env).',
    '# Generated from src/config.ts by `workshop-bot config docs --write`; edit the descriptions there.',
    '',
  ];
  for (const spec of specs()) {
    const requirement = spec.required ? `Required ${REQUIRED[spec.required]}` : 'Optional';
    lines.push(`# ${requirement}: ${spec.description}`);
    lines.push(spec.required ? `${spec.name}=${spec.example ?? ''}` : `${spec.name}=${spec.default ?? ''}`);
    if (!spec.required && spec.default === undefined && spec.example) lines.push(`# e.g. ${spec.name}=${spec.example}`);
  }
  return `${lines.join('\n')}\n`;
}

export const TABLE_START = '<!-- config:start (generated from src/config.ts: workshop-bot config docs --write) -->';
export const TABLE_END = '<!-- config:end -->';

/** README with its configuration table replaced by the generated one. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} markers.`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
