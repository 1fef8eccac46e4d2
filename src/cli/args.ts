import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

/**
 * A command's options, strictly: an unknown flag or a stray word is refused with the usage
 * (exit 2) and `--help` prints it (exit 0), so neither ever falls through to doing the work.
 */
export function parseCommandArgs<const O extends Options>(
  args: string[],
  options: O,
  usage: string,
  /** How many words besides the options the command takes (as in `import wordpress FILE`). */
  positionals = 0,
): { values: Values<O>; positionals: string[] } | { exit: number } {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: positionals > 0 });
    if ((parsed.values as { help?: boolean }).help) {
      process.stdout.write(`${usage}\n`);
      return { exit: 0 };
    }
    if (parsed.positionals.length > positionals) throw new Error(`Unexpected argument '${parsed.positionals[positionals]}'.`);
    return { values: parsed.values as Values<O>, positionals: parsed.positionals };
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
    return { exit: 2 };
  }
}
