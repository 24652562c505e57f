/**
 * The program's help lists every command from its row in the command table, its module not
 * loaded: each row must say what the module it loads defines.
 */
import { tmpdir } from 'node:os';
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-table.js';
import { memoryIo } from '../support/memory-io.js';

describe('the command table', () => {
  it.each(COMMANDS.map((row) => [row.name, row] as const))(
    'lists %s with the usage and description of the command its module defines',
    async (_name, row) => {
      const command = new Command(row.name).description(row.description);
      await row.define(command, memoryIo({ cwd: tmpdir() }), () => ({ argv: [], openEndedParams: [], problems: [] }));
      expect(`${row.name} ${row.usage}`).toBe(new Help().subcommandTerm(command));
      expect(command.description()).toBe(row.description);
    },
  );
});
