import { describe, expect, it } from 'vitest';
import { clusterLabel, progressBar } from '../../../commands/render/cluster-messages.js';
import type { ClusterRecord } from '../../../src/clusters/cluster-record.js';

const record = (changes: Partial<ClusterRecord>): ClusterRecord => ({
  attendee: 'U0ATT',
  kind: 'provisioned',
  status: 'queued',
  createdAt: 0,
  updatedAt: 0,
  ...changes,
});

describe('progressBar', () => {
  it('counts the steps after "queued": nothing done while queued, everything when ready', () => {
    expect(progressBar('queued')).toBe('`▱▱▱▱▱▱▱` 0/7');
    expect(progressBar('master')).toBe('`▰▰▰▱▱▱▱` 3/7');
    expect(progressBar('ready')).toBe('`▰▰▰▰▰▰▰` 7/7');
  });

  it('marks a build that stopped, and treats an unknown step as not started', () => {
    expect(progressBar('agents', true)).toBe('`▰▰▰▰▱▱▱` 4/7 (stopped)');
    expect(progressBar(undefined)).toBe('`▱▱▱▱▱▱▱` 0/7');
  });
});

describe('clusterLabel', () => {
  it('names a cluster by its minimesosFile name, else its id', () => {
    expect(clusterLabel(record({ clusterName: 'alice', clusterId: '42' }))).toBe('"alice"');
    expect(clusterLabel(record({ clusterId: '42' }))).toBe('42');
    expect(clusterLabel(record({}))).toBe('');
  });
});
