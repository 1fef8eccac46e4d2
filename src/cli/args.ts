import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

/**
 * A command's options, strictly: an unknown flag or a stray word is refused with the usage
 * (exit 2) and `--help` prints it (exit 0), so neither ever falls through to doing the work.
 */
export function parseCommandArgs<const O extends Options>(args: string[], options: O, usage: string): { values: Values<O> } | { exit: number } {
  try {
    const { values } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    if ((values as { help?: boolean }).help) {
      process.stdout.write(`${usage}\n`);
      return { exit: 0 };
    }
    return { values: values as Values<O> };
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
    return { exit: 2 };
  }
}
