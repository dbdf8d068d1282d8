// Credentials encrypted through safeStorage (a reversible fake here), in one file of the
// user-data folder: they round-trip, the clear text never reaches the disk, and nothing is
// stored when the OS offers no real encryption.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCredentialStore } from '../../electron/credential-store.ts';
import { tempDir } from '../support/cli.ts';
import { fakeSafeStorage } from './support/fake-electron.ts';

const secret = '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEv…\\n"}';

/** Every byte under `dir`, to look for the clear text anywhere. */
function everything(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

test('save, load and clear round-trip through safeStorage; the file holds no clear text', () => {
  const dir = tempDir('electron-credentials-');
  const file = join(dir, 'credentials.bin');
  const store = createCredentialStore(fakeSafeStorage(), file);
  assert.equal(store.load(), null);
  store.save(secret);
  assert.equal(store.load(), secret);
  assert.equal(everything(dir).includes(Buffer.from('private_key')), false);
  assert.equal(everything(dir).includes(Buffer.from(secret)), false);
  assert.deepEqual(readdirSync(dir), ['credentials.bin']);
  if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);

  store.save('another');
  assert.equal(store.load(), 'another');
  store.clear();
  assert.equal(existsSync(file), false);
  assert.equal(store.load(), null);
  store.clear();
});

test('nothing is stored without real encryption', () => {
  const dir = tempDir('electron-credentials-');
  const file = join(dir, 'credentials.bin');
  for (const storage of [fakeSafeStorage({ available: false }), fakeSafeStorage({ backend: 'basic_text' })]) {
    const store = createCredentialStore(storage, file);
    assert.throws(() => store.save(secret), { name: 'UserError', message: /no system keychain/ });
    assert.deepEqual(readdirSync(dir), []);
  }
});
