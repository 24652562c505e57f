/** `photoroom account`: plan and credits left, so a batch never burns credits by surprise. */
import { Command } from 'commander';
import { runOptionFlag, runOptionsFor } from '../../config/options.js';
import type { Io } from '../io.js';
import { apiTarget, EMULATOR_FLAG_HELP, requireApiKey } from './shared.js';

const SANDBOX_NOTICE = 'sandbox key: results are watermarked and free; daily and monthly limits apply';

export function accountCommand(io: Io): Command {
  const command = new Command('account')
    .description('show the plan and the images left on the account')
    .option('--json', 'print JSON: { plan, images: { available, subscription }, sandbox }')
    .option('--config <path>', 'read settings from this file instead of searching for .photoroomrc')
    .option('--emulator', EMULATOR_FLAG_HELP)
    .option('--verbose', 'print the config file read, on stderr');
  for (const spec of runOptionsFor('account')) command.addOption(runOptionFlag(spec));
  command.addHelpText('after', '\nExamples:\n  PHOTOROOM_API_KEY=sk_... photoroom account\n  photoroom account --json | jq .images.available');

  command.action(async (options: { json?: boolean; config?: string; emulator?: boolean; verbose?: boolean } & Record<string, unknown>) => {
    // Loaded on use, to keep start-up quick for every other command.
    const [{ createClient }, { resolveCommandSettings }, { configSourceLine }] = await Promise.all([
      import('../../api/client.js'),
      import('../../config/settings.js'),
      import('../../config/load.js'),
    ]);
    const settings = await resolveCommandSettings(
      { command: 'account', flags: options, flagParams: [], configPath: options.config, env: io.env, cwd: io.cwd, contexts: [] },
      null,
    );
    if (options.verbose) io.stderr.write(`${configSourceLine(settings.config)}\n`);
    for (const warning of settings.warnings) io.stderr.write(`warning: ${warning}\n`);
    const target = await apiTarget(settings.run, options.emulator);
    const apiKey = requireApiKey(target.run);
    const sandbox = apiKey.startsWith('sandbox_');
    const client = createClient({
      apiKey,
      baseUrl: target.run.baseUrl,
      connections: 1,
      timeoutMs: target.run.timeout * 1000,
    });
    try {
      const info = await client.account();
      if (options.json) {
        io.stdout.write(`${JSON.stringify({ plan: info.plan, images: info.images, sandbox })}\n`);
        return;
      }
      io.stdout.write(
        [
          `Plan:          ${info.plan}`,
          `Available:     ${info.images.available} images`,
          `Subscription:  ${info.images.subscription} images`,
          ...(sandbox ? [`Note:          ${SANDBOX_NOTICE}`] : []),
        ].join('\n') + '\n',
      );
    } finally {
      await client.close();
      await target.close();
    }
  });
  return command;
}
