// First: tracing must be set up before `pg` (and the rest) load.
import './instrumentation';
import 'reflect-metadata';
import { loadClusterConfig } from './config';
import { configOrExit } from '../platform/config';
import { createLogger } from '../platform/logger';
import { supervise } from './supervisor';

/**
 * `npm run cluster`: PostgreSQL, each subgraph in a process of its own, CLUSTER_GATEWAYS gateway
 * processes and HAProxy in front of them on GATEWAY_PORT (see README, "Replicas behind a load
 * balancer"). SIGTERM or Ctrl-C stops it all in order: the gateways drain first.
 */
async function main(): Promise<void> {
  const config = configOrExit(loadClusterConfig);
  const log = createLogger(config.LOG_LEVEL);
  await supervise(config, {
    gateways: config.CLUSTER_GATEWAYS,
    loadBalancer: { bin: config.HAPROXY_BIN, gatewayPortBase: config.CLUSTER_GATEWAY_PORT_BASE, accessLog: config.CLUSTER_ACCESS_LOG },
  }, log);
}

void main();
