/**
 * Every command of the program, as the program's help lists it (name, usage, description),
 * and how it becomes the real command: its module, loaded only when the command is defined,
 * gives it its arguments, options, help and action. main() defines only the command that
 * runs, so `photoroom --version` loads none of these modules and `photoroom account` one.
 */
import type { Command } from 'commander';
import type { Io } from './io.js';
import type { PreparsedArgv } from './param-flags.js';

export interface CommandRow {
  readonly name: string;
  /** What the program's help lists after the name: `[options]` if it takes any, then its arguments. */
  readonly usage: string;
  readonly description: string;
  /** Its completion scripts are made from every command's flags. */
  readonly needsEveryCommand?: true;
  /** It talks to the API: a usage error then says that nothing was sent. */
  readonly sends?: true;
  /** Loads the command's module and defines `command`, already named and described from this row. */
  readonly define: (command: Command, io: Io, preparsed: () => PreparsedArgv) => Promise<void>;
}

export const COMMANDS: readonly CommandRow[] = [
  {
    name: 'edit',
    usage: '[options] [inputs...]',
    sends: true,
    description: 'edit images with /v2/edit: cutout, background, layout, shadows, AI features',
    define: async (command, io, preparsed) =>
      (await import('./commands/image.js')).defineImage(command, 'edit', io, preparsed),
  },
  {
    name: 'segment',
    usage: '[options] [inputs...]',
    sends: true,
    description: 'remove the background of images with /v1/segment (Basic plan)',
    define: async (command, io, preparsed) =>
      (await import('./commands/image.js')).defineImage(command, 'segment', io, preparsed),
  },
  {
    name: 'account',
    usage: '[options]',
    sends: true,
    description: 'show the plan and the images left on the account',
    define: async (command, io) => (await import('./commands/account.js')).defineAccount(command, io),
  },
  {
    name: 'params',
    usage: '[options]',
    description: 'list every API parameter: flag, allowed values, API default',
    define: async (command, io) => (await import('./commands/params.js')).defineParams(command, io),
  },
  {
    name: 'presets',
    usage: '[options]',
    description: "list the marketplace presets: each one's parameters, checks and sources",
    define: async (command, io) => (await import('./commands/presets.js')).definePresets(command, io),
  },
  {
    name: 'check',
    usage: '[options] [inputs...]',
    description: "check images on disk against a marketplace preset's rules, locally: no key, nothing sent",
    define: async (command, io) => (await import('./commands/check.js')).defineCheck(command, io),
  },
  {
    name: 'emulator',
    usage: '[options]',
    description: 'run a local Photoroom-compatible API server (real images, fault injection)',
    define: async (command, io) => (await import('./commands/emulator.js')).defineEmulator(command, io),
  },
  {
    name: 'report',
    usage: '[options] [folder]',
    description: 'write a review page (HTML) of an output folder: outputs beside inputs, least certain first',
    define: async (command, io) => (await import('./commands/report.js')).defineReport(command, io),
  },
  {
    name: 'completion',
    usage: '<shell>',
    description: 'print a shell completion script (bash, zsh or fish)',
    needsEveryCommand: true,
    define: async (command, io) => (await import('./commands/completion.js')).defineCompletion(command, io),
  },
];
