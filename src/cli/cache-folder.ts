/**
 * Where the user's cache lives, in a module of its own: every start-up reads it (the Io),
 * and the one-file runs that keep their records there load the store besides.
 */
import path from 'node:path';

/**
 * The user's cache folder, as each system names it: `$XDG_CACHE_HOME` when set (absolute),
 * `%LOCALAPPDATA%` on Windows, `~/Library/Caches` on macOS, `~/.cache` elsewhere.
 */
export function userCacheFolder(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
  home: string,
): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return xdg;
  if (platform === 'win32') return env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches');
  return path.join(home, '.cache');
}
