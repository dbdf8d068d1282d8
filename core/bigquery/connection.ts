import { readFileSync } from 'node:fs';
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { UserError } from '../util/user-error.ts';

/** How to reach BigQuery. Credentials are never stored in the cache or printed. */
export interface ConnectionSettings {
  /** The project that runs (and pays for) the query jobs; by default the table's project. */
  projectId: string;
  /** Dataset location (`US`, `EU`, `asia-northeast3`, …); jobs run there. */
  location?: string;
  /** A service-account key file; without it Application Default Credentials are used. */
  keyFile?: string;
  /** Another endpoint (an emulator or a test fake): authentication is skipped for it. */
  apiEndpoint?: string;
}

/**
 * Checks a service-account key file without ever echoing its content: the key must stay out of
 * messages and logs even when the file is not what was expected.
 */
export function checkKeyFile(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read key file ${path}${code ? ` (${code})` : ''}`);
  }
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    throw new UserError(`key file ${path} is not JSON: download a service-account key (JSON) from the Google Cloud console`);
  }
  const record = key !== null && typeof key === 'object' ? (key as Record<string, unknown>) : {};
  if (record.type !== 'service_account' && record.type !== 'authorized_user' && record.type !== 'external_account') {
    throw new UserError(`key file ${path} is not a service-account key (its "type" is not service_account)`);
  }
  if (record.type === 'service_account' && (typeof record.client_email !== 'string' || typeof record.private_key !== 'string')) {
    throw new UserError(`key file ${path} lacks client_email or private_key`);
  }
}

/** An auth client that adds no credentials to a request (google-auth-library only asks it for headers). */
const NO_AUTHENTICATION = { getRequestHeaders: async () => new Headers() } as unknown as BigQueryOptions['authClient'];

/**
 * The official client, configured so that this module owns retries (with backoff, and only for
 * errors that are safe to retry) rather than the client retrying job inserts on its own.
 */
export function createClient(settings: ConnectionSettings): BigQuery {
  if (settings.keyFile !== undefined) checkKeyFile(settings.keyFile);
  // The client authenticates to any endpoint; an emulator must get no token (neither from the key
  // file nor from Application Default Credentials), so its requests go without authentication.
  const endpoint = settings.apiEndpoint === undefined ? {} : { apiEndpoint: settings.apiEndpoint, authClient: NO_AUTHENTICATION };
  return new BigQuery({
    projectId: settings.projectId,
    ...(settings.location !== undefined ? { location: settings.location } : {}),
    ...(settings.keyFile !== undefined ? { keyFilename: settings.keyFile } : {}),
    ...endpoint,
    autoRetry: false,
    userAgent: 'session-explorer',
  });
}

export function checkApiEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`invalid --api-endpoint '${text}': use a URL such as http://127.0.0.1:9050`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`invalid --api-endpoint '${text}': use http or https`);
  return url.origin;
}

/**
 * Resolves credentials before any request: the client would otherwise send an unauthenticated
 * request when none are found and only then report the missing credentials. Emulator endpoints
 * take no credentials.
 */
export async function ensureCredentials(client: BigQuery, settings: ConnectionSettings): Promise<void> {
  if (settings.apiEndpoint !== undefined) return;
  try {
    await client.authClient.getClient();
  } catch (error) {
    const detail = settings.keyFile !== undefined ? ` from key file ${settings.keyFile}` : '';
    const reason = (error as Error).message?.split('\n')[0] ?? '';
    if (/default credentials/i.test(reason) || detail === '') {
      throw new UserError(
        'no Google credentials found: run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or pass --key-file',
      );
    }
    throw new UserError(`cannot use the credentials${detail}`);
  }
}
