/** `photoroom account`: plan and credits left, so a batch never burns credits by surprise. */
import type { Command } from 'commander';
import type { CommandLineSettings } from '../../config/options.js';
import { proseAfterHelp } from '../help.js';
import type { Io } from '../io.js';
import { escapeControls, jsonLine } from '../terminal.js';
import { addRunOptions, typedRunOptions } from '../option-flags.js';

const SANDBOX_NOTICE = 'sandbox key: results are watermarked and free; daily and monthly limits apply';

export function defineAccount(command: Command, io: Io): void {
  addRunOptions(command, 'account');
  command.addHelpText(
    'after',
    proseAfterHelp(
      '\nExamples:\n  PHOTOROOM_API_KEY=sk_... photoroom account\n  photoroom account --json | jq .images.available',
      io.stdout,
    ),
  );

  command.action(async (options: Pick<CommandLineSettings, 'config' | 'emulator'>) => {
    // Loaded on use, to keep start-up quick for every other command.
    const [
      { createClient },
      { resolveCommandSettings },
      { configSourceLine },
      { apiTarget, checkKeyLength, requireApiKey },
    ] = await Promise.all([
      import('../../api/client.js'),
      import('../../config/settings.js'),
      import('../../config/load.js'),
      import('./api-target.js'),
    ]);
    const settings = await resolveCommandSettings(
      {
        command: 'account',
        flags: typedRunOptions(command, 'account'),
        flagParams: [],
        configPath: options.config,
        env: io.env,
        cwd: io.cwd,
        contexts: [],
      },
      null,
    );
    const { run } = settings;
    // From here on the key, whatever its source, is masked in everything printed or stored.
    if (run.apiKey) io.redactor.register(run.apiKey);
    if (run.verbose) io.stderr.write(`${escapeControls(configSourceLine(settings.config))}\n`);
    const warnings = [...settings.warnings, ...checkKeyLength(run, options.emulator)];
    for (const warning of warnings) io.stderr.write(`warning: ${escapeControls(warning)}\n`);
    const target = await apiTarget(settings.run, options.emulator);
    const apiKey = requireApiKey(target.run);
    const sandbox = apiKey.startsWith('sandbox_');
    const client = createClient({
      apiKey,
      baseUrl: target.run.baseUrl,
      connections: 1,
      timeoutMs: target.run.timeout * 1000,
      runtime: io.host.runtime,
      redactor: io.redactor,
    });
    try {
      const info = await client.account();
      if (run.json) {
        io.stdout.write(jsonLine({ plan: info.plan, images: info.images, sandbox }));
        return;
      }
      io.stdout.write(
        [
          `Plan:          ${escapeControls(info.plan)}`,
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
}
