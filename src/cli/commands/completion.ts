/** `photoroom completion bash|zsh|fish`: a completion script generated from the program's own commands and flags. */
import { Argument, Command } from 'commander';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { completionTree, type CompletionTree } from '../completion/tree.js';
import { zshScript } from '../completion/zsh.js';
import type { Io } from '../io.js';

const SCRIPTS: Readonly<Record<string, (tree: CompletionTree) => string>> = { bash: bashScript, zsh: zshScript, fish: fishScript };

const HELP = `
Completes commands, flags (aliases too), the values of flags that take a list (--shadow.mode
ai.<TAB>, --export.format, booleans) and file paths everywhere else.

Install:
  bash  photoroom completion bash > ~/.local/share/bash-completion/completions/photoroom
  zsh   photoroom completion zsh > ~/.zsh/completions/_photoroom   # a folder on $fpath, before compinit
  fish  photoroom completion fish > ~/.config/fish/completions/photoroom.fish`;

export function completionCommand(io: Io): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(Object.keys(SCRIPTS)))
    .addHelpText('after', HELP)
    .action((shell: string, _options: unknown, command: Command) => {
      const program = command.parent ?? command;
      io.stdout.write(SCRIPTS[shell]!(completionTree(program)));
    });
}
