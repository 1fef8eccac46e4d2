// `npm run cli -- <command> [options]`: one dispatcher, one module per command.
// To add a command, add a line to `commands`: its module exports `run(args): Promise<number>`
// (the exit code) and `summary` (one line for the help).

export interface CliCommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<CliCommand>> = {
  'create-admin': () => import('./createAdmin.js'),
  'create-site': () => import('./createSite.js'),
  import: () => import('./importCommand.js'),
  export: () => import('./exportCommand.js'),
  purge: () => import('./purgeCommand.js'),
  'export-person': async () => (await import('./personCommands.js')).exportPerson,
  'erase-person': async () => (await import('./personCommands.js')).erasePerson,
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:', ...Object.keys(commands).sort().map((n) => `  ${n.padEnd(width)}  (see --help)`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(Object.entries(commands).sort().map(async ([n, load]) => `  ${n}  ${(await load()).summary}`));
    process.stdout.write(`Usage: npm run cli -- <command> [options]\n\nCommands:\n${lines.join('\n')}\n`);
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}\n`);
    return 2;
  }
  return (await load()).run(args);
}

// Run when executed (tsx src/cli/index.ts), not when imported by tests.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
