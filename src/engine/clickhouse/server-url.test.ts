import { describe, expect, test } from 'vitest';
import { parseServerUrl, redactCredentials } from './server-url.js';

describe('parseServerUrl', () => {
  test('takes credentials out of the URL, so location never shows them', () => {
    const server = parseServerUrl('https://analyst:s3cr%40t@ch.example.com:8443/revline', {});
    expect(server).toEqual({
      url: 'https://ch.example.com:8443/revline',
      username: 'analyst',
      password: 's3cr@t',
      location: 'https://ch.example.com:8443/revline',
    });
  });

  test('reads credentials from CLICKHOUSE_USER and CLICKHOUSE_PASSWORD when the URL has none', () => {
    const server = parseServerUrl('http://localhost:8123', { CLICKHOUSE_USER: 'ops', CLICKHOUSE_PASSWORD: 'pw' });
    expect(server.username).toBe('ops');
    expect(server.password).toBe('pw');
    expect(server.location).toBe('http://localhost:8123/');
  });

  test('prefers credentials in the URL over the environment (the more specific setting)', () => {
    const server = parseServerUrl('http://url-user:url-pw@localhost:8123', { CLICKHOUSE_USER: 'env', CLICKHOUSE_PASSWORD: 'env-pw' });
    expect([server.username, server.password]).toEqual(['url-user', 'url-pw']);
  });

  test('removes a password query parameter from the location', () => {
    const server = parseServerUrl('http://localhost:8123/?password=hunter2&database=rev', {});
    expect(server.password).toBe('hunter2');
    expect(server.location).toBe('http://localhost:8123/?database=rev');
  });

  test('leaves credentials undefined when none are given anywhere', () => {
    const server = parseServerUrl('http://localhost:8123', { CLICKHOUSE_USER: '', CLICKHOUSE_PASSWORD: '' });
    expect([server.username, server.password]).toEqual([undefined, undefined]);
  });

  test.each(['localhost:8123', 'tcp://ch:9000', 'not a url'])('refuses %j as not an http(s) URL', (text) => {
    expect(() => parseServerUrl(text, {})).toThrow(expect.objectContaining({ code: 'config-invalid' }) as Error);
  });

  test('a refused URL is shown without its password', () => {
    expect(() => parseServerUrl('tcp://me:hunter2@ch:9000', {})).toThrow('ClickHouse location "tcp://ch:9000" is not an http(s) URL.');
  });
});

describe('redactCredentials', () => {
  test('drops user info and masks a password parameter', () => {
    expect(redactCredentials('https://a:b@host/x?password=c&d=e')).toBe('https://host/x?password=***&d=e');
  });
});
