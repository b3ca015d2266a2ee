import type { CommandSpec } from '../src/router/types.js';

export const workshop: CommandSpec = {
  name: 'workshop',
  summary: 'Instructor tools: broadcast, start an exercise, progress board, check-ins.',
  description: 'For the people running the workshop (INSTRUCTORS).',
  instructorOnly: true,
  subcommands: [
    { name: 'broadcast', usage: '/workshop broadcast <message>', summary: 'sends a message to every attendee', instructorOnly: true },
    { name: 'start', usage: '/workshop start <exercise>', summary: 'starts an exercise for the room', instructorOnly: true },
    { name: 'board', usage: '/workshop board', summary: 'shows who passed which step', instructorOnly: true },
    { name: 'checkins', usage: '/workshop checkins on|off', summary: 'automatic nudges for attendees who are stuck', instructorOnly: true },
    { name: 'prepull', usage: '/workshop prepull', summary: 'pulls the cluster images on every Docker host', instructorOnly: true },
  ],
};
