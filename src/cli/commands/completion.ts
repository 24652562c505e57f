/** `photoroom completion bash|zsh|fish`: a completion script generated from the program's own commands and flags. */
import { Argument, type Command } from 'commander';
import type { CompletionTree } from '../completion/tree.js';
import { proseAfterHelp } from '../help.js';
import type { Io } from '../io.js';

/** Each shell's script writer, loaded on use: start-up never needs them. */
const SCRIPTS: Readonly<Record<string, () => Promise<(tree: CompletionTree) => string>>> = {
  bash: async () => (await import('../completion/bash.js')).bashScript,
  zsh: async () => (await import('../completion/zsh.js')).zshScript,
  fish: async () => (await import('../completion/fish.js')).fishScript,
};

const HELP = `
Completes commands, flags (aliases too), the values of flags that take a list (--shadow.mode
ai.<TAB>, --export.format, --outputSize, booleans), file paths where a flag or an operand
takes a file or folder, and nothing where a flag takes a number, a colour or other text.

Install in bash, zsh (a folder on $fpath, before compinit) or fish:
  photoroom completion bash \\
    > ~/.local/share/bash-completion/completions/photoroom
  photoroom completion zsh > ~/.zsh/completions/_photoroom
  photoroom completion fish > ~/.config/fish/completions/photoroom.fish`;

export function defineCompletion(command: Command, io: Io): void {
  command
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(Object.keys(SCRIPTS)))
    .addHelpText('after', proseAfterHelp(HELP, io.stdout))
    .action(async (shell: string) => {
      const program = command.parent ?? command;
      const [script, { completionTree }] = await Promise.all([SCRIPTS[shell]!(), import('../completion/tree.js')]);
      io.stdout.write(script(completionTree(program)));
    });
}
