import { describe, expect, it } from 'vitest';
import { infoMessage } from '../../../commands/cluster/lifecycle.js';
import type { ClusterRecord } from '../../../src/clusters/cluster-record.js';
import { messageToText as messageText } from '../../../src/render/text.js';

const record = (changes: Partial<ClusterRecord>): ClusterRecord => ({
  attendee: 'U0ATT',
  kind: 'provisioned',
  status: 'queued',
  clusterId: '3878417609',
  createdAt: 0,
  updatedAt: 0,
  ...changes,
});

describe('/cluster info', () => {
  it('shows a build in progress with its step and how to cancel it', () => {
    const text = messageText(infoMessage(record({ status: 'provisioning', step: 'agents' })));
    expect(text).toContain('Your cluster 3878417609: provisioning');
    expect(text).toContain('4/7');
    expect(text).toContain('`/cluster down` cancels it');
  });

  it('a build waiting for a Docker host says why and what it waits for, not that it is being built', () => {
    const waitingFor = 'Waiting for room: all 2 Docker hosts are full. Your build starts as soon as a cluster is removed.';
    const text = messageText(infoMessage(record({ status: 'queued', step: 'queued', waitingFor })));
    expect(text).toContain(`*Your cluster 3878417609: queued*\n\`▱▱▱▱▱▱▱\` 0/7\n${waitingFor}`);
    expect(text).toContain('It waits to be built; its message in the channel shows its progress. `/cluster down` cancels it.');
    expect(text).not.toContain('being built');
  });

  it('a build in line for room says how many asked before it, or that it is next', () => {
    const queued = record({ status: 'queued', step: 'queued', waitingFor: 'Waiting for room: all 2 Docker hosts are full.' });
    expect(messageText(infoMessage(queued, { ahead: 3 }))).toContain(
      'all 2 Docker hosts are full.\n3 builds in line asked before this one; room goes to whoever asked first.',
    );
    expect(messageText(infoMessage(queued, { ahead: 0 }))).toContain('First in line: the next room that frees up is for this cluster.');
    expect(messageText(infoMessage(queued))).not.toContain('in line');
  });

  it('shows what failed and how to start again', () => {
    const text = messageText(infoMessage(record({ status: 'failed', step: 'master', error: 'the master did not answer in 60 s' })));
    expect(text).toContain('What failed: the master did not answer in 60 s');
    expect(text).toContain('(stopped)');
    expect(text).toContain('`/cluster down` cleans up; then `/cluster up` to try again.');
  });

  it('says when a ready cluster will be removed, and that an Extend button comes before', () => {
    const now = Date.UTC(2026, 11, 8, 9, 0);
    const ready = { status: 'ready' as const, endpoints: { master: 'http://10.0.0.5:5050' } };
    const text = messageText(infoMessage(record({ ...ready, expiresAt: now + (5 * 60 + 20) * 60_000 }), { now }));
    expect(text).toContain('Removed at 14:20 UTC (in 5 h 20 min); an Extend button comes 15 minutes before.');
    expect(messageText(infoMessage(record({ ...ready, expiresAt: now + 7 * 60_000 }), { now }))).toContain('(in 7 min)');
    // An attached cluster is the attendee's own: nothing removes it.
    expect(messageText(infoMessage(record({ ...ready, kind: 'attached', expiresAt: now + 60_000 }), { now }))).not.toContain('Removed at');
  });

  it('says an attached cluster is attached', () => {
    const text = messageText(infoMessage(record({ kind: 'attached', status: 'ready', endpoints: { master: 'http://10.0.0.5:5050' } })));
    expect(text).toContain('(attached): ready');
  });

  it("an instructor looking at an attendee's cluster gets next steps that name the attendee, never their own cluster's", () => {
    const ready = messageText(
      infoMessage(record({ kind: 'attached', status: 'ready', endpoints: { master: 'http://10.0.0.5:5050' } }), { owner: 'U0ATT' }),
    );
    expect(ready).toContain("<@U0ATT>'s cluster 3878417609 (attached): ready");
    expect(ready).toContain(
      'Add <@U0ATT> to look further: `/cluster ps`, `/state marathon`, `/check`; `/cluster down` with their name removes it.',
    );
    expect(ready).not.toContain('when you are done');
    const failed = messageText(infoMessage(record({ status: 'failed', step: 'master', error: 'no' }), { owner: 'U0ATT' }));
    expect(failed).toContain('`/cluster down` with <@U0ATT> cleans up; then they run `/cluster up` to try again.');
    const building = messageText(infoMessage(record({ status: 'provisioning', step: 'agents' }), { owner: 'U0ATT' }));
    expect(building).toContain('`/cluster down` with <@U0ATT> cancels it.');
  });
});
