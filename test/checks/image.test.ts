import { describe, expect, it } from 'vitest';
import { imageMatches } from '../../src/checks/image.js';

describe('imageMatches: the image a step names, however an attendee wrote it', () => {
  it.each([
    'nginx',
    'nginx:latest',
    'nginx:1.25',
    'library/nginx',
    'docker.io/nginx',
    'docker.io/library/nginx:1.11',
    `docker.io/nginx@sha256:${'a'.repeat(64)}`,
    'NGINX',
    'registry.local:5000/library/nginx:1.25',
    'localhost:5000/nginx',
  ])('%s is nginx', (actual) => {
    expect(imageMatches(actual, 'nginx')).toBe(true);
  });

  it.each([
    ['ngnix', 'nginx'],
    ['nginxinc/nginx-unprivileged', 'nginx'],
    ['bitnami/nginx', 'nginx'],
    ['mysql:8.0', 'mysql:5.7'],
    ['mysql', 'mysql:5.7'],
    ['nginx', 'registry.local:5000/nginx'],
    ['quay.io/nginx', 'registry.local:5000/nginx'],
  ])('%s is not %s', (actual, wanted) => {
    expect(imageMatches(actual, wanted)).toBe(false);
  });

  it('a step that accepts several images alike (mysql|mariadb) matches any of them, and only them', () => {
    expect(imageMatches('mariadb:10.1', 'mysql|mysql/mysql-server|mariadb')).toBe(true);
    expect(imageMatches('mysql/mysql-server:8.0', 'mysql|mysql/mysql-server|mariadb')).toBe(true);
    expect(imageMatches('postgres', 'mysql|mysql/mysql-server|mariadb')).toBe(false);
  });

  it('a registry the step names must be the one; Docker Hub under any of its names is Docker Hub', () => {
    expect(imageMatches('registry.local:5000/nginx:1.25', 'registry.local:5000/nginx')).toBe(true);
    expect(imageMatches('index.docker.io/library/mysql:5.7', 'docker.io/mysql:5.7')).toBe(true);
    expect(imageMatches('weaveworks/scope:0.13.1', 'weaveworks/scope')).toBe(true);
  });
});
