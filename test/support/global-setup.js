/**
 * Starts one in-memory Azurite for the whole test run, as a child process on a free port, and
 * hands its connection string to the test workers through the environment. Each test file uses
 * its own table prefix. (In Jest's own process Azurite's query filters misbehave; a child process
 * is also what fault tests need: it can be paused or killed.)
 */
const net = require('node:net');
const { spawn } = require('node:child_process');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitListening(port, child, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with ${child.exitCode}`);
    const ok = await new Promise((done) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), done(true)));
      s.on('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error('Azurite did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

module.exports = async function globalSetup() {
  if (process.env.TEST_TABLES_CONNECTION_STRING) return; // an outside storage was given
  const port = await freePort();
  const main = require.resolve('azurite/dist/src/table/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // Jest may run setup and teardown in different contexts: hand over the pid, not the object.
  process.env.TEST_AZURITE_PID = String(child.pid);
  child.unref();
  await waitListening(port, child);
  process.env.TEST_TABLES_CONNECTION_STRING =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
};
