/** Stops the Azurite the global setup started (by pid: setup and teardown may not share objects). */
module.exports = async function globalTeardown() {
  const pid = Number(process.env.TEST_AZURITE_PID);
  if (!pid) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 30 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
};
