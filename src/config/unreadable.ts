/**
 * A config file that cannot be read, said in one line: the file, the line and the reason,
 * from what cosmiconfig's YAML (js-yaml) and JSON (parse-json) readers report.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { textField } from '../errors.js';

interface YamlError {
  reason: string;
  mark: { line: number; position: number; buffer: string };
}

function isYamlError(error: unknown): error is YamlError {
  const candidate = error as Partial<YamlError> | null;
  return typeof candidate?.reason === 'string' && typeof candidate.mark?.line === 'number';
}

/** The key that starts at `position`: `padding` in `  padding: 2`, `a` in `{"a": 2}`. */
function keyAt(text: string, position: number): string {
  const match = /^(?:"([^"]*)"|'([^']*)'|([^:\s,{}]+))/.exec(text.slice(position));
  return match?.[1] ?? match?.[2] ?? match?.[3] ?? '';
}

function yamlProblem({ reason, mark }: YamlError): string {
  // js-yaml refuses a key given twice in one mapping; the file would otherwise mean two things.
  const what =
    reason === 'duplicated mapping key'
      ? `${JSON.stringify(keyAt(mark.buffer, mark.position))} is given twice; give each key once`
      : reason;
  return `line ${mark.line + 1}: ${what}`;
}

/** parse-json says where as "at position N" in its message, or nothing at the end of the input. */
async function jsonProblem(message: string, file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const located = /([^\n]*?) in JSON at position (\d+)/.exec(message);
  if (located) return `line ${text.slice(0, Number(located[2])).split('\n').length}: ${located[1]}`;
  const reason = /^(Unexpected end of JSON input)/m.exec(message)?.[1] ?? 'not valid JSON';
  return `line ${text.trimEnd().split('\n').length}: ${reason}`;
}

/** `config file /p/.photoroomrc, line 4: bad indentation of a mapping entry`; `namedPath` (--config) is relative to `cwd`. */
export async function unreadableConfigMessage(
  error: unknown,
  namedPath: string | undefined,
  cwd: string,
): Promise<string> {
  const file = textField(error, 'filepath') ?? namedPath;
  const where = file ? `config file ${file}` : 'config file';
  if (isYamlError(error)) return `${where}, ${yamlProblem(error)}`;
  const message = error instanceof Error ? error.message : String(error);
  if (file && message.startsWith('JSON Error'))
    return `${where}, ${await jsonProblem(message, path.resolve(cwd, file))}`;
  return `${where} could not be read: ${message.split('\n')[0]}`;
}
