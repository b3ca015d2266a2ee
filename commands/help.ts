import { quote, UserError } from '../src/errors.js';
import { context, section } from '../src/render/blocks.js';
import { commandHelp } from '../src/router/router.js';
import type { CommandSpec } from '../src/router/types.js';

export const help: CommandSpec = {
  name: 'help',
  summary: 'Lists every command, or explains one.',
  description: 'Without an argument, lists every command with its usage. `/help <command>` shows its subcommands and examples.',
  usage: '/help [command]',
  readOnly: true,
  examples: ['/help', '/help cluster'],
  async run({ args, out, commands, isInstructor }) {
    const wanted = args.replace(/^\//, '').trim().toLowerCase();
    if (wanted !== '') {
      const command = commands.find((candidate) => candidate.name === wanted);
      if (!command) {
        const names = commands.map((candidate) => `/${candidate.name}`).join(', ');
        throw new UserError(`There is no command ${quote(`/${wanted}`)}.`, `Commands: ${names}.`);
      }
      await out.reply(commandHelp(command));
      return;
    }
    const visible = commands.filter((command) => isInstructor || !command.instructorOnly);
    const lines = visible.map((command) => `*/${command.name}* — ${command.summary}\n    \`${usageOf(command)}\``);
    const text = `*Workshop bot commands*\n${lines.join('\n')}`;
    await out.reply({
      text: 'Workshop bot commands',
      blocks: [
        section(text),
        context(
          'Type `/help <command>` for details, e.g. `/help cluster`. Mention me (@workshop-bot) in a thread to ask a question there.',
        ),
      ],
    });
  },
};

function usageOf(command: CommandSpec): string {
  if (command.usage) return command.usage;
  const names = (command.subcommands ?? []).map((sub) => sub.name).join('|');
  return `/${command.name} ${names}`;
}
