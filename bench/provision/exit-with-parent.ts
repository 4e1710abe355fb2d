/**
 * Preloaded (-r) into every child the bench starts: when the bench process dies, even by
 * SIGKILL, its end of the IPC channel closes and the child exits instead of holding ports,
 * database connections and Redis keys. The channel itself never keeps a child alive.
 */
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.exit(1));
}
