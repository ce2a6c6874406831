/**
 * `npm run playground`: the bot as `npm start` runs it, plus Microsoft 365 Agents Playground (a
 * Teams-like web client from the npm registry) pointed at it, so a newcomer can chat with the bot
 * without a Teams tenant. The Playground phones home unless told not to: it is always started with
 * `--disable-telemetry` and APPLICATION_INSIGHTS_NO_STATSBEAT=true, and no traffic leaves the machine.
 */
import { spawn } from 'node:child_process';
import { loadConfig } from '../src/config';
import { startBot } from '../src/index';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.localMode) {
    process.stderr.write(
      'The playground talks to the bot without credentials: unset MicrosoftAppId to use it.\n',
    );
    process.exit(1);
  }
  const bot = await startBot({ config, startTypingTimer: true });
  const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 56150);
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(
    process.execPath,
    [
      cli,
      '--app-endpoint',
      `http://localhost:${bot.port}/api/messages`,
      '--channel-id',
      'msteams',
      '--port',
      String(playgroundPort),
      '--disable-telemetry',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, APPLICATION_INSIGHTS_NO_STATSBEAT: 'true' },
    },
  );
  let announced = false;
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /listening|started|http:\/\/localhost/i.test(chunk.toString())) {
      announced = true;
      process.stdout.write(
        `\nAgents Playground: http://localhost:${playgroundPort}  (bot on port ${bot.port})\n` +
          'Note: the Playground listens on every network interface; use it on a trusted machine.\n',
      );
    }
  });
  const stop = () => {
    child.kill('SIGTERM');
    void bot.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  child.once('exit', (code) => {
    bot.log.info({ code }, 'playground exited');
    void bot.stop().finally(() => process.exit(code ?? 0));
  });
}

main().catch((e) => {
  process.stderr.write(`failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
