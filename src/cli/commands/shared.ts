/** Small pieces every API command needs. */
import type { RunSettings } from '../../config/options.js';
import { UserError } from '../../errors.js';

export function requireApiKey(run: RunSettings): string {
  if (run.apiKey) return run.apiKey;
  throw new UserError(
    'no API key: set PHOTOROOM_API_KEY (or apiKey in .photoroomrc, or --api-key); ' +
      'sandbox keys (sandbox_...) are free for trials',
  );
}

/** Optional model-version headers the API documents. */
export function clientHeaders(run: RunSettings): Record<string, string> {
  return {
    ...(run.aiBackgroundModelVersion && { 'pr-ai-background-model-version': run.aiBackgroundModelVersion }),
    ...(run.backgroundRemovalModelVersion && {
      'pr-background-removal-model-version': run.backgroundRemovalModelVersion,
    }),
  };
}
