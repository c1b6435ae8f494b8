// What the provisioner can build. The API accepts any well-formed engine and version; an
// instance the catalog cannot build ends in status `failed` with the reason in metrics.failureReason.
import type { DatabaseInstance } from '../../generated/prisma/client';

interface Engine {
  versions: readonly string[];
  scheme: string;
  port: number;
  /** Whether the connection string names a database (redis has none). */
  database: boolean;
}

export const ENGINES: Readonly<Record<string, Engine>> = {
  postgresql: { versions: ['13', '14', '15', '16', '17'], scheme: 'postgresql', port: 5432, database: true },
  mysql: { versions: ['8.0', '8.4'], scheme: 'mysql', port: 3306, database: true },
  redis: { versions: ['6.2', '7.0', '7.2', '7.4'], scheme: 'redis', port: 6379, database: false },
  mongodb: { versions: ['6.0', '7.0', '8.0'], scheme: 'mongodb', port: 27017, database: true },
};

/** Optional settings in `config` the provisioner understands, and their bounds. */
const INTEGER_SETTINGS: Readonly<Record<string, [number, number]>> = {
  storageGb: [1, 65_536],
  replicas: [0, 15],
  backupRetentionDays: [0, 35],
};

/** Why the catalog cannot build this instance, or null when it can. */
export function unsupportedReason(instance: Pick<DatabaseInstance, 'engine' | 'version' | 'config'>): string | null {
  const engine = Object.hasOwn(ENGINES, instance.engine) ? ENGINES[instance.engine] : undefined;
  if (!engine) return `unsupported engine ${instance.engine}; supported: ${Object.keys(ENGINES).join(', ')}`;
  if (!engine.versions.includes(instance.version)) return `unsupported ${instance.engine} version ${instance.version}; supported: ${engine.versions.join(', ')}`;
  const config = (instance.config ?? {}) as Record<string, unknown>;
  for (const [key, [min, max]] of Object.entries(INTEGER_SETTINGS)) {
    const value = config[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
      return `config.${key} must be an integer from ${min} to ${max}`;
    }
  }
  return null;
}

/**
 * Where the instance answers: `<scheme>://<name>-<8 hex of its id>.<region>.db.bacbos.internal:<port>/<name>`.
 * The id part keeps two tenants' instances of the same name and region apart. No credentials.
 */
export function connectionStringOf(instance: Pick<DatabaseInstance, 'id' | 'name' | 'engine' | 'region'>): string {
  const engine = ENGINES[instance.engine];
  const host = `${instance.name.toLowerCase().replace(/_/g, '-')}-${instance.id.replace(/-/g, '').slice(0, 8)}.${instance.region}.db.bacbos.internal`;
  return `${engine.scheme}://${host}:${engine.port}${engine.database ? `/${instance.name}` : ''}`;
}
