/**
 * The domain-event bus and the executor's commit hook: subscribers run in order inside the
 * transaction of the change (their writes roll back with it), an event outside a transaction is
 * refused, and the commit hook runs once per outermost commit, never after a rollback.
 */
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../db/database.js';
import { testDatabaseUrl } from '../test-support/postgres.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { tempDataDir } from '../test-support/harness.js';
import { DomainEvents } from './domain-events.js';

async function setup() {
  const db = openDatabase(tempDataDir(), testDatabaseUrl());
  await migrate(db);
  db.conn.exec('CREATE TABLE said (v TEXT)');
  const exec = new SyncExecutor(db.conn);
  const events = new DomainEvents(() => exec.inTransaction);
  const said = () => (db.conn.prepare('SELECT v FROM said').all() as Array<{ v: string }>).map((r) => r.v);
  const write = (v: string) => db.conn.prepare('INSERT INTO said VALUES (?)').run(v);
  return { db, exec, events, said, write };
}

describe('DomainEvents', () => {
  it('runs subscribers in the order they subscribed, inside the transaction of the change', async () => {
    const { exec, events, said, write } = await setup();
    events.on('group.changed', (e) => write(`first ${e.group_id}`));
    const off = events.on('group.changed', (e) => write(`second ${e.group_id}`));
    exec.tx(() => events.emit('group.changed', { group_id: 7, action: 'created' }));
    expect(said()).toEqual(['first 7', 'second 7']);
    off();
    // a change that fails takes what its subscribers wrote with it
    expect(() =>
      exec.tx(() => {
        events.emit('group.changed', { group_id: 8, action: 'updated' });
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(said()).toEqual(['first 7', 'second 7']);
  });

  it('refuses an event said outside a transaction (its subscribers would commit apart from the change)', async () => {
    const { events } = await setup();
    expect(() => events.emit('user.changed', { user_id: 1 })).toThrow(/outside a transaction/);
  });
});

describe('SyncExecutor commit hook', () => {
  it('runs after each outermost commit only: not for a savepoint, not after a rollback', async () => {
    const { exec, write } = await setup();
    let commits = 0;
    exec.onCommit(() => commits++);
    exec.tx(() => {
      write('a');
      exec.tx(() => write('b'));
      expect(commits).toBe(0);
    });
    expect(commits).toBe(1);
    expect(() =>
      exec.tx(() => {
        write('c');
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(commits).toBe(1);
  });

  it('hands what a listener throws to onListenerError and still returns the committed result', async () => {
    const { exec } = await setup();
    const errors: unknown[] = [];
    exec.onListenerError = (err) => errors.push(err);
    exec.onCommit(() => {
      throw new Error('listener broke');
    });
    expect(exec.tx(() => 42)).toBe(42);
    expect(errors).toMatchObject([{ message: 'listener broke' }]);
  });
});
