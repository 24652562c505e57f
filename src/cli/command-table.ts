/**
 * Every command of the program, as the program's help lists it (name, description), and how
 * it becomes the real command: its module, loaded when the command is defined, gives it its
 * arguments, options, help and action.
 */
import type { Command } from 'commander';
import type { Io } from './io.js';
import type { PreparsedArgv } from './param-flags.js';

export interface CommandRow {
  readonly name: string;
  readonly description: string;
  /** Loads the command's module and defines `command`, already named and described from this row. */
  readonly define: (command: Command, io: Io, preparsed: () => PreparsedArgv) => Promise<void>;
}

export const COMMANDS: readonly CommandRow[] = [
  {
    name: 'edit',
    description: 'edit images with /v2/edit: cutout, background, layout, shadows, AI features',
    define: async (command, io, preparsed) =>
      (await import('./commands/image.js')).defineImage(command, 'edit', io, preparsed),
  },
  {
    name: 'segment',
    description: 'remove the background of images with /v1/segment (Basic plan)',
    define: async (command, io, preparsed) =>
      (await import('./commands/image.js')).defineImage(command, 'segment', io, preparsed),
  },
  {
    name: 'account',
    description: 'show the plan and the images left on the account',
    define: async (command, io) => (await import('./commands/account.js')).defineAccount(command, io),
  },
  {
    name: 'params',
    description: 'list every API parameter: flag, allowed values, API default',
    define: async (command, io) => (await import('./commands/params.js')).defineParams(command, io),
  },
  {
    name: 'presets',
    description: "list the marketplace presets: each one's parameters, checks and sources",
    define: async (command, io) => (await import('./commands/presets.js')).definePresets(command, io),
  },
  {
    name: 'check',
    description: "check images on disk against a marketplace preset's rules, locally: no key, nothing sent",
    define: async (command, io) => (await import('./commands/check.js')).defineCheck(command, io),
  },
  {
    name: 'emulator',
    description: 'run a local Photoroom-compatible API server (real images, fault injection)',
    define: async (command, io) => (await import('./commands/emulator.js')).defineEmulator(command, io),
  },
  {
    name: 'report',
    description: 'write a review page (HTML) of an output folder: outputs beside inputs, least certain first',
    define: async (command, io) => (await import('./commands/report.js')).defineReport(command, io),
  },
  {
    name: 'completion',
    description: 'print a shell completion script (bash, zsh or fish)',
    define: async (command, io) => (await import('./commands/completion.js')).defineCompletion(command, io),
  },
];
