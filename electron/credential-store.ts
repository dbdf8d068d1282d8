import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { UserError } from '../core/util/user-error.ts';

// Credentials (for BigQuery in the app) live in the main process only (SPEC §6): encrypted with
// the OS keychain through safeStorage, written to one file in the user-data folder, and never
// sent to the renderer, logged or exported. Nothing here is wired to IPC.

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; other platforms always use the OS keychain. */
  getSelectedStorageBackend?(): string;
}

export interface CredentialStore {
  /** Encrypts and writes; a user error when the OS offers no real encryption. */
  save(secret: string): void;
  /** The secret, or null when none is stored. */
  load(): string | null;
  clear(): void;
}

export function createCredentialStore(safeStorage: SafeStorageLike, file: string): CredentialStore {
  return {
    save(secret) {
      // On Linux without a keyring Electron falls back to 'basic_text': a key built into the
      // program, which protects nothing. Storing a credential that way would only look safe.
      if (!safeStorage.isEncryptionAvailable() || safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
        throw new UserError('no system keychain is available to encrypt credentials, so they are not saved');
      }
      const encrypted = safeStorage.encryptString(secret);
      // Written whole then renamed, so a crash never leaves half a blob; readable by the user only.
      const partial = `${file}.partial`;
      writeFileSync(partial, encrypted, { mode: 0o600 });
      renameSync(partial, file);
    },
    load() {
      if (!existsSync(file)) return null;
      return safeStorage.decryptString(readFileSync(file));
    },
    clear() {
      rmSync(file, { force: true });
    },
  };
}
