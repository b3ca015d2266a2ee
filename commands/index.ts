import type { CommandSpec } from '../src/router/types.js';
import { check } from './check/index.js';
import { cluster } from './cluster/index.js';
import { faq } from './faq.js';
import { help } from './help.js';
import { state } from './state.js';
import { workshop } from './workshop/index.js';

/** Every slash command, in the order /help lists them (the Slack manifest registers the same set). */
export const ALL_COMMANDS: readonly CommandSpec[] = [cluster, state, check, faq, workshop, help];
