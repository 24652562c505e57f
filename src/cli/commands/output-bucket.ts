/**
 * A bucket output (`-o s3://bucket/prefix/`), written to before anything is sent: a probe
 * object (a temporary name under the prefix) is put, then deleted. A missing bucket, denied
 * writes, an endpoint that does not answer or the wrong region would otherwise be found out
 * only when the first paid result comes back.
 */
import { StartUpError } from '../../errors.js';
import type { TemporaryWriter } from '../../host.js';
import { parseObjectUri } from '../../storage/location.js';
import type { StorageOpener } from '../../storage/opener.js';
import { hostTag, TEMP_PREFIX } from '../../store/outputs.js';

/** `named` is how the user named it (`-o s3://…`), for the message. */
export async function checkBucketOutput(
  uri: string,
  named: string,
  storage: StorageOpener,
  writer: TemporaryWriter,
): Promise<void> {
  const { bucket, key } = parseObjectUri(uri);
  const probe = `${key === '' ? '' : `${key}/`}${TEMP_PREFIX}write-check.${hostTag(writer.hostname)}.${writer.pid}`;
  const opened = await storage.get();
  try {
    await opened.put(bucket, probe, '');
  } catch (error) {
    throw new StartUpError(
      `${named}: results cannot be written there: ${opened.failure(error, uri, 'write').problem.text}`,
    );
  }
  // Writes are what a run needs: a store that lets it write but not delete keeps the empty probe.
  await opened.delete(bucket, probe).catch(() => {});
}
