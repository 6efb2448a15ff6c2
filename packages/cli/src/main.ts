/**
 * The `tidemark` command line: commander wiring only. Each subcommand lives
 * in `commands/`; this file turns options into their arguments and every
 * failure into `error: <code>: <message>` and an exit code.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, errorLine, isCliError } from './cli-error';
import { eventsReplay } from './commands/events-replay';
import { eventsStream } from './commands/events-stream';
import { DEFAULT_INTERVAL_SECONDS, type MonitorOptions, monitorLag } from './commands/monitor';
import { monitorErrors } from './commands/monitor-errors';
import { monitorThroughput } from './commands/monitor-throughput';
import { projectionAction, projectionStatus } from './commands/projection';
import { projectionRebuild } from './commands/projection-rebuild';
import { type Context, createContext, DEFAULT_URL, type GlobalOptions, type Runtime } from './context';
import { parseSeconds } from './sleep';

/** A rebuild is followed at most this long by default; the server goes on regardless. */
const DEFAULT_REBUILD_TIMEOUT_SECONDS = 600;

/**
 * Runs the command line `argv` (as `process.argv`: node, script, args...) and
 * resolves to the exit code. Never throws.
 *
 * @example process.exitCode = await run(process.argv, { env: process.env, stdout, stderr, signal, loadModule });
 */
export async function run(argv: readonly string[], runtime: Runtime): Promise<number> {
  try {
    await buildProgram(runtime).parseAsync([...argv]);
    return runtime.signal.aborted ? EXIT.interrupted : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (isCliError(error) && error.exitCode === EXIT.interrupted) return EXIT.interrupted;
    runtime.stderr.write(`${errorLine(error)}\n`);
    return isCliError(error) ? error.exitCode : EXIT.failure;
  }
}

function buildProgram(runtime: Runtime): Command {
  const program = new Command('tidemark')
    .description('Operate a Tidemark app over its HTTP API: the feed, streams, projections, health.')
    .option('--url <base>', `the app's base URL (env TIDEMARK_URL, default ${DEFAULT_URL})`)
    .option('--token <jwt>', 'bearer token; projection and monitor need the admin role (env TIDEMARK_TOKEN)')
    .option('--json', 'print JSON (one document per line) instead of tables')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)');

  /** The action with its context, made (and the token checked) only when it runs. */
  const withContext =
    <A extends unknown[]>(action: (context: Context, ...args: A) => Promise<void>) =>
    (...args: [...A, Command]) => {
      const command = args.at(-1) as Command;
      const context = createContext(command.optsWithGlobals<GlobalOptions>(), runtime);
      return action(context, ...(args.slice(0, -1) as A));
    };

  const events = program.command('events').description('read the event feed and streams');
  events
    .command('stream')
    .description('the tenant feed, page by page (JSON Lines with --json)')
    .option('--from <cursor>', 'start after this cursor (an event position, or a printed next cursor)')
    .option('--follow', 'keep polling for new events until Ctrl-C')
    .action(withContext((context, options: { from?: string; follow?: boolean }) => eventsStream(context, options)));
  events
    .command('replay')
    .description("one stream's events, and its state folded with --app's decider")
    .argument('<aggregate>', 'aggregate type, e.g. Order')
    .argument('<id>', 'aggregate id')
    .option('--app <module>', 'module exporting the app (defineApp), e.g. apps/orders/src/index.ts[#export]')
    .action(
      withContext((context, aggregate: string, id: string, options: { app?: string }) =>
        eventsReplay(context, aggregate, id, options),
      ),
    );

  const projection = program.command('projection').description('projections (admin role)');
  projection
    .command('status')
    .description('state, lag and dead letters of every projection, or of one')
    .argument('[name]', 'projection name')
    .action(withContext((context, name: string | undefined) => projectionStatus(context, name)));
  projection
    .command('rebuild')
    .description('rebuild from the feed, showing progress until it runs with no lag')
    .argument('<name>', 'projection name')
    .option('--timeout <s>', 'stop following after this many seconds', String(DEFAULT_REBUILD_TIMEOUT_SECONDS))
    .action(
      withContext((context, name: string, options: { timeout: string }) =>
        projectionRebuild(context, name, { timeoutMs: parseSeconds(options.timeout, '--timeout') }),
      ),
    );
  for (const action of ['pause', 'resume'] as const) {
    projection
      .command(action)
      .description(action === 'pause' ? 'stop applying events' : 'apply events again from where it stopped')
      .argument('<name>', 'projection name')
      .action(withContext((context, name: string) => projectionAction(context, name, action)));
  }

  const monitor = program.command('monitor').description('watch the app (admin role)');
  const monitors = {
    lag: ['events each projection is behind the feed', monitorLag],
    throughput: ['events, commands and rejections per second', monitorThroughput],
    errors: ['dead letters and rejected commands by code', monitorErrors],
  } as const;
  for (const [name, [description, sample]] of Object.entries(monitors)) {
    monitor
      .command(name)
      .description(description)
      .option('--interval <s>', 'seconds between samples', String(DEFAULT_INTERVAL_SECONDS))
      .option('--once', 'print one sample and exit')
      .action(
        withContext((context, options: { interval: string; once?: boolean }) =>
          sample(context, monitorOptions(options)),
        ),
      );
  }
  return program;
}

function monitorOptions(options: { interval: string; once?: boolean }): MonitorOptions {
  return { intervalMs: parseSeconds(options.interval, '--interval'), once: options.once === true };
}
