// Runs dynalite in a worker thread so the embedded database's CPU work (LevelDB, item encoding) happens on
// another core than the capture pipeline. Plain JavaScript: worker threads do not inherit the TS loader.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('error', (err) => parentPort.postMessage({ error: String(err) }));
server.listen(workerData.port ?? 0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    server.close(() => parentPort.postMessage({ stopped: true }));
    server.closeAllConnections?.();
  }
});
