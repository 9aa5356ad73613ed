/** Who `npm start` watches (the launchers above it and the first other process), and what holds a port. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { portHolder, portInUseMessage } from '../../local/port-holder';
import { isLauncher, watchedAncestors } from '../../local/process-watch';

describe('the launchers between a person and npm start', () => {
  it('counts npm, npx, sh -c of the script and tsx as launchers, and a shell or service as the one that started it', () => {
    for (const argv of [
      ['npm start --in-memory'],
      ['npm exec tsx local/start.ts'],
      ['node', '/usr/bin/npm', 'start'],
      ['sh', '-c', 'tsx local/start.ts --in-memory'],
      ['node', '/work/main/node_modules/.bin/tsx', 'local/start.ts'],
    ])
      expect(isLauncher(argv), argv.join(' ')).toBe(true);
    for (const argv of [
      ['-bash'],
      ['/bin/bash'],
      ['bash', '-c', 'make test'],
      ['/usr/lib/systemd/systemd', '--user'],
      ['tmux: server'],
      ['node', '/work/main/node_modules/.bin/vitest', 'run'],
    ])
      expect(isLauncher(argv), argv.join(' ')).toBe(false);
  });

  it('watches at least this process’s parent, and stops at the first process that is not a launcher', () => {
    const watched = watchedAncestors();
    expect(watched[0]?.pid).toBe(process.ppid);
    for (const p of watched.slice(0, -1)) expect(isLauncher(p.argv)).toBe(true);
  });
});

describe('a port in use', () => {
  it('names the pid and command that hold it, and how to stop it, in one line', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      const holder = portHolder(port);
      expect(holder?.pid).toBe(process.pid);
      const line = portInUseMessage(port, holder);
      expect(line.split('\n')).toHaveLength(1);
      expect(line).toContain(`port ${port} is in use by pid ${process.pid} (`);
      expect(line).toContain(`kill ${process.pid}`);
    } finally {
      server.close();
    }
    expect(portInUseMessage(port, null)).toContain(`ss -ltnp 'sport = :${port}'`);
  });
});
